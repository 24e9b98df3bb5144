//! The filters above the list: a GET form, so it works before the WASM loads; once it
//! has loaded, the menus and the checkbox apply as soon as they change.

use super::query::{sort_key, sort_label, DealQuery, SORTS};
use domain::{
    board::ListOptions,
    ids::{PipelineId, UserId},
};
use leptos::{html::Input, prelude::*};
use leptos_router::{components::Form, hooks::use_navigate, NavigateOptions};

/// Opens the list with one filter changed, from the first page. The search box's current
/// text goes along, so words typed but not yet submitted are not lost.
fn apply(
    navigate: &impl Fn(&str, NavigateOptions),
    search: NodeRef<Input>,
    query: Memo<DealQuery>,
    change: impl FnOnce(&mut DealQuery),
) {
    let mut next = query.get_untracked();
    if let Some(input) = search.get_untracked() {
        next.text = input.value().trim().to_owned();
    }
    change(&mut next);
    next.page = 0;
    navigate(&next.href(), NavigateOptions::default());
}

#[component]
pub fn DealFilters(options: ListOptions, query: Memo<DealQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let search = NodeRef::<Input>::new();
    let initial = query.get_untracked();
    let on_pipeline = {
        let navigate = navigate.clone();
        move |e| {
            let id = event_target_value(&e).parse().ok().map(PipelineId);
            apply(&navigate, search, query, |q| q.pipeline = id);
        }
    };
    let on_owner = {
        let navigate = navigate.clone();
        move |e| {
            let id = event_target_value(&e).parse().ok().map(UserId);
            apply(&navigate, search, query, |q| q.owner = id);
        }
    };
    let on_sort = {
        let navigate = navigate.clone();
        move |e| {
            let sort = super::query::parse_sort(&event_target_value(&e));
            apply(&navigate, search, query, |q| q.sort = sort);
        }
    };
    let on_mine = {
        let navigate = navigate.clone();
        move |e| {
            let mine = event_target_checked(&e);
            apply(&navigate, search, query, |q| q.mine = mine);
        }
    };
    let on_idle = move |e| {
        let idle = event_target_checked(&e);
        apply(&navigate, search, query, |q| q.idle = idle);
    };
    let pipeline_menu = (options.pipelines.len() > 1).then(|| {
        view! {
            <div class="field">
                <label for="deals-pipeline">"Pipeline"</label>
                <select id="deals-pipeline" name="pipeline" on:change=on_pipeline>
                    <option value="" selected=move || query.get().pipeline.is_none()>"All pipelines"</option>
                    {options.pipelines.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=move || query.get().pipeline == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    });
    view! {
        <Form method="get" action="/deals" attr:class="deal-filters" attr:role="search" attr:aria-label="Filter deals">
            <div class="field search-field">
                <label for="deals-q">"Search deals"</label>
                <input id="deals-q" type="search" name="q" autocomplete="off" node_ref=search
                    value=initial.text prop:value=move || query.get().text />
            </div>
            {pipeline_menu}
            <div class="field">
                <label for="deals-owner">"Owner"</label>
                <select id="deals-owner" name="owner" on:change=on_owner>
                    <option value="" selected=move || query.get().owner.is_none()>"All owners"</option>
                    {options.owners.into_iter().map(|o| view! {
                        <option value=o.id.to_string() selected=move || query.get().owner == Some(o.id)>{o.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="deals-sort">"Sort by"</label>
                <select id="deals-sort" name="sort" on:change=on_sort>
                    {SORTS.into_iter().map(|sort| view! {
                        <option value=sort_key(sort) selected=move || query.get().sort == sort>{sort_label(sort)}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="tick-label">
                <input type="checkbox" name="mine" value="1" checked=initial.mine
                    prop:checked=move || query.get().mine on:change=on_mine />
                "My deals"
            </label>
            <label class="tick-label">
                <input type="checkbox" name="idle" value="1" checked=initial.idle
                    prop:checked=move || query.get().idle on:change=on_idle />
                "No next step"
            </label>
            <button type="submit" class="secondary">"Apply filters"</button>
        </Form>
    }
}
