//! Settings → Sales teams: managers group reps into teams; the dashboard filters by
//! team and goals can be set for one. Reps see the teams but change nothing.

use crate::api::json::load;
use crate::{
    api::goals::{
        get_sales_teams, AssignSalesTeam, CreateSalesTeam, Person, RemoveSalesTeam,
        RenameSalesTeam, TeamsView,
    },
    components::{field::server_message, form_outcome, FormBanner, TextField},
};
use domain::goal::SalesTeam;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamsPage() -> impl IntoView {
    let create = ServerAction::<CreateSalesTeam>::new();
    let rename = ServerAction::<RenameSalesTeam>::new();
    let remove = ServerAction::<RemoveSalesTeam>::new();
    let assign = ServerAction::<AssignSalesTeam>::new();
    let teams = load(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                remove.version().get(),
                assign.version().get(),
            )
        },
        |_| get_sales_teams(),
    );
    let created = form_outcome(create);
    view! {
        <Title text="Sales teams" />
        <header class="page-header"><h1>"Sales teams"</h1></header>
        <p class="hint">"Group reps into teams to filter the dashboard by team and set team goals. A rep is in one team at most."</p>
        <FormBanner result=form_outcome(rename) />
        <FormBanner result=form_outcome(remove) />
        <FormBanner result=form_outcome(assign) />
        <Transition fallback=|| view! { <p>"Loading the teams…"</p> }>
            {move || Suspend::new(async move {
                teams.await.map(|view| {
                    let TeamsView { teams, people, can_organise } = view;
                    let choices = teams.clone();
                    view! {
                        {can_organise.then(|| view! {
                            <section class="card" aria-labelledby="new-team-title">
                                <h2 id="new-team-title">"New team"</h2>
                                <ActionForm action=create attr:class="inline-form">
                                    <FormBanner result=created />
                                    <TextField label="Team name" name="name" server_error=server_message(created, "name") />
                                    <button type="submit" class="primary">"Create team"</button>
                                </ActionForm>
                            </section>
                        })}
                        {teams.is_empty().then(|| view! { <p class="empty">"No teams yet."</p> })}
                        {teams.into_iter().map(|team| view! {
                            <TeamCard team can_organise rename remove />
                        }).collect_view()}
                        <section class="card" aria-labelledby="who-title">
                            <h2 id="who-title">"Who is in which team"</h2>
                            <ul class="member-list">
                                {people.into_iter().map(|member| view! {
                                    <MemberTeam member teams=choices.clone() can_organise assign />
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn TeamCard(
    team: SalesTeam,
    can_organise: bool,
    rename: ServerAction<RenameSalesTeam>,
    remove: ServerAction<RemoveSalesTeam>,
) -> impl IntoView {
    let id = team.id.to_string();
    let (rename_version, remove_version) = (team.version.to_string(), team.version.to_string());
    let name = team.name;
    let size = match team.members.len() {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    let controls = if can_organise {
        // Each form's children own their copies.
        let input_id = format!("team-name-{id}");
        let (rename_id, remove_id) = (id.clone(), id.clone());
        let (field_label, rename_label, remove_label, current) = (
            format!("New name for {name}"),
            format!("Rename {name}"),
            format!("Remove team {name}"),
            name.clone(),
        );
        Some(view! {
            <div class="team-actions">
                <ActionForm action=rename attr:class="row-form">
                    <input type="hidden" name="team_id" value=rename_id />
                    <input type="hidden" name="version" value=rename_version />
                    <label class="visually-hidden" for=input_id.clone()>{field_label}</label>
                    <input id=input_id name="name" value=current />
                    <button type="submit" class="secondary" aria-label=rename_label>"Rename"</button>
                </ActionForm>
                <ActionForm action=remove attr:class="row-form">
                    <input type="hidden" name="team_id" value=remove_id />
                    <input type="hidden" name="version" value=remove_version />
                    <button type="submit" class="secondary" aria-label=remove_label>"Remove"</button>
                </ActionForm>
            </div>
        })
    } else {
        None
    };
    view! {
        <section class="card team-card" aria-label=format!("Team {name}")>
            <h2>{name.clone()}</h2>
            <p class="hint">{size}</p>
            {controls}
        </section>
    }
}

#[component]
fn MemberTeam(
    member: Person,
    teams: Vec<SalesTeam>,
    can_organise: bool,
    assign: ServerAction<AssignSalesTeam>,
) -> impl IntoView {
    let current = teams
        .iter()
        .find(|t| t.members.contains(&member.id))
        .map(|t| t.id);
    let current_name = teams
        .iter()
        .find(|t| Some(t.id) == current)
        .map_or_else(|| "No team".to_owned(), |t| t.name.clone());
    let select_id = format!("team-of-{}", member.id);
    view! {
        <li class="member" class:inactive=!member.active>
            <div class="who">
                <span class="member-name">{member.name.clone()}</span>
                <span class="hint">{(!member.active).then_some("deactivated · ")} {current_name}</span>
            </div>
            {can_organise.then(|| view! {
                <ActionForm action=assign attr:class="row-form">
                    <input type="hidden" name="member_id" value=member.id.to_string() />
                    <label class="visually-hidden" for=select_id.clone()>{format!("Team of {}", member.name)}</label>
                    <select id=select_id name="team_id">
                        <option value="" selected=current.is_none()>"No team"</option>
                        {teams.iter().map(|t| view! {
                            <option value=t.id.to_string() selected=current == Some(t.id)>{t.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="secondary" aria-label=format!("Save team of {}", member.name)>"Save"</button>
                </ActionForm>
            })}
        </li>
    }
}
