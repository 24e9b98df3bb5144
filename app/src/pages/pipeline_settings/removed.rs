//! Stages marked for removal: each one's deals need a stage to go to before saving.

use super::{
    editor::{shown_name, Editor, Removed},
    stage::open_deals_text,
};
use domain::ids::StageId;
use leptos::prelude::*;

#[component]
pub fn RemovedStages(editor: Editor) -> impl IntoView {
    let error = move || editor.error("relocate");
    view! {
        <section class="removed-stages" aria-labelledby="removed-title"
            hidden=move || editor.removed.with(Vec::is_empty)>
            <h3 id="removed-title">"Stages to remove"</h3>
            <p class="hint">"They are removed when you save. Their deals, won and lost ones included, move to the stage you choose."</p>
            <ul class="removed-list">
                <For each=move || editor.removed.get() key=|r| r.stage.key let:removed>
                    <RemovedStage editor removed />
                </For>
            </ul>
            <p class="field-error" role="alert">{error}</p>
        </section>
    }
}

#[component]
fn RemovedStage(editor: Editor, removed: Removed) -> impl IntoView {
    let stage = removed.stage;
    let name = shown_name(&stage.name.get_untracked());
    let select_id = format!("relocate-{}", stage.key);
    // Only stages that already exist can take deals: new ones have no id until saved.
    let targets = move || {
        editor.stages.with(|stages| {
            stages
                .iter()
                .filter_map(|s| s.id.map(|id| (id, shown_name(&s.name.get()))))
                .collect::<Vec<_>>()
        })
    };
    let choose = move |e| {
        let to = event_target_value(&e).parse::<StageId>().ok();
        removed.destination.set(to);
    };
    view! {
        <li class="removed-stage">
            <p><strong>{name.clone()}</strong> " · " {open_deals_text(stage.open_deals)}</p>
            <div class="field">
                <label for=select_id.clone()>{format!("Move the deals of {name} to")}</label>
                <select id=select_id on:change=choose>
                    <option value="" selected=move || removed.destination.get().is_none()>"Choose a stage"</option>
                    {move || targets().into_iter().map(|(id, target)| view! {
                        <option value=id.to_string() selected=move || removed.destination.get() == Some(id)>{target}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="secondary" on:click=move |_| editor.keep(stage.key)>
                "Keep " {name.clone()}
            </button>
        </li>
    }
}
