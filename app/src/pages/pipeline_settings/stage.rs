//! One stage in the settings form: name, figures, entry rules, and its place in the list.

use super::editor::{shown_name, Editor, StageEdit};
use domain::deal::DealField;
use leptos::{html::Button, prelude::*};

/// "3 open deals", for the stage's heading.
pub fn open_deals_text(count: u64) -> String {
    match count {
        0 => "No open deals".to_owned(),
        1 => "1 open deal".to_owned(),
        n => format!("{n} open deals"),
    }
}

/// Keeps a moved button focused: the row is re-inserted, which would drop focus.
fn refocus(button: NodeRef<Button>) {
    request_animation_frame(move || {
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    });
}

#[component]
pub fn StageCard(editor: Editor, stage: StageEdit) -> impl IntoView {
    let key = stage.key;
    let index = Memo::new(move |_| editor.index_of(key));
    let number = move || index.get().map_or(0, |i| i + 1);
    let error = move || {
        index
            .get()
            .and_then(|i| editor.error(&format!("stage.{i}")))
    };
    let name = move || shown_name(&stage.name.get());
    let id = |part: &str| format!("stage-{key}-{part}");
    let error_id = id("error");
    let described_by = error_id.clone();
    let up = NodeRef::<Button>::new();
    let down = NodeRef::<Button>::new();
    let at_top = move || index.get() == Some(0);
    let at_bottom = move || index.get().map(|i| i + 1) == Some(editor.stages.with(Vec::len));
    let field_box = move |field: DealField| {
        let box_id = id(field.key());
        let label_for = box_id.clone();
        let toggle = move |e| {
            let on = event_target_checked(&e);
            // Kept in the canonical order so the saved list does not depend on clicks.
            stage.fields.update(|fields| {
                *fields = DealField::ALL
                    .into_iter()
                    .filter(|f| if *f == field { on } else { fields.contains(f) })
                    .collect();
            });
        };
        view! {
            <label class="tick-label" for=label_for>
                <input type="checkbox" id=box_id
                    checked=stage.fields.with_untracked(|f| f.contains(&field))
                    prop:checked=move || stage.fields.with(|f| f.contains(&field)) on:change=toggle />
                {field.label()}
            </label>
        }
    };
    view! {
        <li class="stage-edit">
        <div role="group" aria-label=move || format!("Stage {}", number()) aria-describedby=described_by>
            <div class="stage-edit-head">
                <h3>{move || format!("Stage {}", number())}</h3>
                <span class="hint">
                    {if stage.id.is_some() { open_deals_text(stage.open_deals) } else { "New".to_owned() }}
                </span>
            </div>
            <div class="stage-figures">
                <div class="field stage-name">
                    <label for=id("name")>"Stage name"</label>
                    <input id=id("name") autocomplete="off" maxlength="80"
                        value=stage.name.get_untracked() prop:value=move || stage.name.get()
                        on:input=move |e| stage.name.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for=id("probability")>"Win probability (%)"</label>
                    <input id=id("probability") type="number" inputmode="numeric" min="0" max="100"
                        value=stage.probability.get_untracked() prop:value=move || stage.probability.get()
                        on:input=move |e| stage.probability.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for=id("rotting")>"Rotting after (days)"</label>
                    <input id=id("rotting") type="number" inputmode="numeric" min="0" max="365"
                        aria-describedby=id("rotting-hint")
                        value=stage.rotting_days.get_untracked() prop:value=move || stage.rotting_days.get()
                        on:input=move |e| stage.rotting_days.set(event_target_value(&e)) />
                    <p class="hint" id=id("rotting-hint")>"0 = never"</p>
                </div>
            </div>
            <fieldset class="stage-required">
                <legend>"Required before a deal may enter"</legend>
                {DealField::ALL.into_iter().map(field_box).collect_view()}
            </fieldset>
            <div class="field">
                <label for=id("checklist")>"Checklist items"</label>
                <textarea id=id("checklist") rows="3" aria-describedby=id("checklist-hint")
                    prop:value=move || stage.checklist.get()
                    on:input=move |e| stage.checklist.set(event_target_value(&e))>
                    {crate::components::field::textarea_text(&stage.checklist.get_untracked())}
                </textarea>
                <p class="hint" id=id("checklist-hint")>"One per line, e.g. Budget confirmed"</p>
            </div>
            <p class="field-error" id=error_id aria-live="polite">{error}</p>
            <div class="stage-actions">
                // aria-disabled rather than disabled: a disabled button would drop focus.
                // The label names the stage: "Move down" alone is ambiguous in a list.
                <button type="button" class="secondary" node_ref=up aria-disabled=move || at_top().then_some("true")
                    aria-label=move || format!("Move up: {}", name())
                    on:click=move |_| { editor.shift(key, -1); refocus(up); }>
                    "Move up"
                </button>
                <button type="button" class="secondary" node_ref=down aria-disabled=move || at_bottom().then_some("true")
                    aria-label=move || format!("Move down: {}", name())
                    on:click=move |_| { editor.shift(key, 1); refocus(down); }>
                    "Move down"
                </button>
                <button type="button" class="secondary danger-text" aria-label=move || format!("Remove {}", name())
                    on:click=move |_| editor.remove(key)>
                    "Remove"
                </button>
            </div>
        </div>
        </li>
    }
}
