//! The deal table: a real table on wide screens, stacked cards on a phone (CSS only, so
//! the markup and what a screen reader hears stay the same). On a phone each cell's
//! column name comes from the stylesheet (`.deal-list`), not from an attribute repeated
//! on fifty rows.

use super::query::{DealQuery, PER_PAGE};
use domain::deal::DealStatus;
use domain::{
    board::{DealPage, DealRow, DealSort},
    ids::DealId,
    money::format_whole,
};
use leptos::prelude::*;

/// The deals picked for a bulk change, with the version each row showed.
pub type Selection = RwSignal<Vec<(DealId, i32)>>;

/// A column whose header re-sorts the list.
struct SortColumn {
    label: &'static str,
    sort: DealSort,
    /// What `aria-sort` says while this order is active.
    direction: &'static str,
}

#[component]
pub fn DealTable(page: DealPage, query: DealQuery, selected: Selection) -> impl IntoView {
    if page.rows.is_empty() {
        // Past the last page (an old link): the pager still leads back.
        let pager = (page.total > 0).then(|| view! { <Pager query total=page.total /> });
        return view! { <p class="deal-list-empty">"No deals match these filters."</p> {pager} }
            .into_any();
    }
    let on_page: Vec<(DealId, i32)> = page.rows.iter().map(|r| (r.id, r.version)).collect();
    let all_picked = {
        let on_page = on_page.clone();
        move || selected.with(|s| on_page.iter().all(|row| s.contains(row)))
    };
    let pick_all = move |event| {
        let everything = event_target_checked(&event);
        selected.set(if everything {
            on_page.clone()
        } else {
            Vec::new()
        });
    };
    let header = |column: SortColumn| {
        let active = query.sort == column.sort;
        let href = query.sorted(column.sort).href();
        view! {
            <th scope="col" role="columnheader" aria-sort=active.then_some(column.direction)>
                <a href=href class:active=active>{column.label}</a>
            </th>
        }
    };
    // Explicit roles: some browsers drop table semantics once CSS stacks the cells.
    view! {
        <div class="deal-table-scroll">
        <table class="deal-table deal-list" role="table" aria-label="Deals">
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader" class="pick">
                        <input type="checkbox" aria-label="Select all deals on this page"
                            prop:checked=all_picked on:change=pick_all />
                    </th>
                    {header(SortColumn { label: "Title", sort: DealSort::Title, direction: "ascending" })}
                    <th scope="col" role="columnheader">"Company"</th>
                    {header(SortColumn { label: "Stage", sort: DealSort::Stage, direction: "other" })}
                    <th scope="col" role="columnheader">"Status"</th>
                    {header(SortColumn { label: "Value", sort: DealSort::ValueDesc, direction: "descending" })}
                    <th scope="col" role="columnheader">"Owner"</th>
                    {header(SortColumn { label: "Expected close", sort: DealSort::CloseDate, direction: "ascending" })}
                </tr>
            </thead>
            <tbody role="rowgroup">
                {page.rows.into_iter().map(|row| view! { <DealTableRow row selected /> }).collect_view()}
            </tbody>
        </table>
        </div>
        <Pager query total=page.total />
    }
    .into_any()
}

#[component]
fn DealTableRow(row: DealRow, selected: Selection) -> impl IntoView {
    let key = (row.id, row.version);
    let picked = move || selected.with(|s| s.contains(&key));
    let toggle = move |event| {
        let pick = event_target_checked(&event);
        selected.update(|s| {
            s.retain(|k| *k != key);
            if pick {
                s.push(key);
            }
        });
    };
    let status_label = row.status.label();
    let status_class = match row.status {
        DealStatus::Open => "deal-status is-open",
        DealStatus::Won => "deal-status is-won",
        DealStatus::Lost => "deal-status is-lost",
    };
    let close = row
        .expected_close_on
        .map_or_else(|| "—".to_owned(), |d| d.format("%b %-d, %Y").to_string());
    view! {
        <tr role="row" class:row-picked=picked>
            <td role="cell" class="pick">
                <input type="checkbox" aria-label=format!("Select {}", row.title)
                    prop:checked=picked on:change=toggle />
            </td>
            <td role="cell" class="title">
                <a href=format!("/deals/{}", row.id)>{row.title}</a>
            </td>
            <td role="cell">{row.company.unwrap_or_else(|| "—".to_owned())}</td>
            <td role="cell">{row.stage}</td>
            <td role="cell"><span class=status_class>{status_label}</span></td>
            <td role="cell" class="num">{format_whole(row.value_cents, row.currency)}</td>
            <td role="cell">{row.owner.unwrap_or_else(|| "Unassigned".to_owned())}</td>
            <td role="cell">{close}</td>
        </tr>
    }
}

/// "Deals 51–100 of 123" with previous and next links.
#[component]
fn Pager(query: DealQuery, total: u64) -> impl IntoView {
    let first = query.page.saturating_mul(PER_PAGE).saturating_add(1);
    let last = first.saturating_add(PER_PAGE - 1).min(total);
    let summary = if first > total {
        format!("No deals on this page ({total} in all).")
    } else {
        format!("Deals {first}–{last} of {total}")
    };
    let previous = (query.page > 0).then(|| query.at_page(query.page - 1).href());
    let next = (last < total).then(|| query.at_page(query.page + 1).href());
    view! {
        <nav class="pager" aria-label="Deal pages">
            <span>{summary}</span>
            {previous.map(|href| view! { <a class="button secondary" rel="prev" href=href>"Previous page"</a> })}
            {next.map(|href| view! { <a class="button secondary" rel="next" href=href>"Next page"</a> })}
        </nav>
    }
}
