//! Settings, and Settings → Users where admins manage the team.

use crate::api::json::load;
use crate::{
    api::account::MemberResetLink,
    api::team::{
        get_team, ChangeRole, InviteTeammate, RevokeInvite, SetMemberActive, SetVisibility,
    },
    components::{field::server_message, form_outcome, FormBanner, TextField},
    pages::shell::use_current_user,
};
use domain::{account::Member, permission::Action, visibility::Visibility, Role};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

/// The settings overview.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let user = use_current_user();
    let is_admin = user.role.may(Action::ManageMembers);
    let can_edit_pipelines = user.role.may(Action::EditPipelines);
    view! {
        <Title text="Settings" />
        <header class="page-header"><h1>"Settings"</h1></header>
        <div class="cards">
            <section class="card" aria-labelledby="ws-title">
                <h2 id="ws-title">"Workspace"</h2>
                <p>{user.workspace_name.clone()}</p>
                <p class="hint">"Signed in as " {user.email.clone()} " (" {user.role.label()} ")"</p>
            </section>
            <section class="card" aria-labelledby="account-title">
                <h2 id="account-title">"Your account"</h2>
                <p>"Change your password, see where you are signed in, sign out everywhere."</p>
                <a class="button secondary" href="/settings/account">"Manage your account"</a>
            </section>
            {is_admin.then(|| view! {
                <section class="card" aria-labelledby="users-title">
                    <h2 id="users-title">"Users"</h2>
                    <p>"Invite teammates, change roles, deactivate accounts."</p>
                    <a class="button secondary" href="/settings/users">"Manage users"</a>
                </section>
            })}
            {user.role.may(Action::ReadActivityLog).then(|| view! {
                <section class="card" aria-labelledby="log-title">
                    <h2 id="log-title">"Activity log"</h2>
                    <p>"Who changed what and when, sign-ins and where they came from; download it as CSV."</p>
                    <a class="button secondary" href="/settings/activity-log">"Open the activity log"</a>
                </section>
            })}
            <section class="card" aria-labelledby="teams-title">
                <h2 id="teams-title">"Sales teams"</h2>
                <p>"Group reps into teams for team figures and team goals."</p>
                <a class="button secondary" href="/settings/teams">"Manage teams"</a>
            </section>
            <section class="card" aria-labelledby="leads-title">
                <h2 id="leads-title">"Lead capture"</h2>
                <p>"Web forms for your site, who gets which leads, the first-response target and how leads are scored."</p>
                <a class="button secondary" href="/settings/leads">"Set up lead capture"</a>
            </section>
            <section class="card" aria-labelledby="pipes-title">
                <h2 id="pipes-title">"Pipelines and stages"</h2>
                <p>"Stage names and order, win probabilities, rotting periods and entry rules."</p>
                {if can_edit_pipelines {
                    Either::Left(view! { <a class="button secondary" href="/settings/pipeline">"Edit pipelines"</a> })
                } else {
                    Either::Right(view! { <p class="hint">"Admins and managers change these."</p> })
                }}
            </section>
        </div>
    }
}

/// Settings → Users: admins only (the server functions enforce it too).
#[component]
pub fn UsersPage() -> impl IntoView {
    let user = use_current_user();
    if !user.role.may(Action::ManageMembers) {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return Either::Left(view! {
            <Title text="Users" />
            <header class="page-header"><h1>"Users"</h1></header>
            <div class="banner error" role="alert">
                "Only workspace admins can manage users. Ask an admin if you need a change."
            </div>
        });
    }
    Either::Right(view! { <TeamAdmin me=user.user_id /> })
}

#[component]
fn TeamAdmin(me: domain::UserId) -> impl IntoView {
    let invite = ServerAction::<InviteTeammate>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetMemberActive>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let set_visibility = ServerAction::<SetVisibility>::new();
    let reset_link = ServerAction::<MemberResetLink>::new();
    let team = load(
        move || {
            (
                invite.version().get(),
                change_role.version().get(),
                set_active.version().get(),
                revoke.version().get(),
                set_visibility.version().get(),
            )
        },
        |_| get_team(),
    );
    let invite_result = form_outcome(invite);
    let issued = move || invite_result.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned());
    view! {
        <Title text="Users" />
        <header class="page-header"><h1>"Users"</h1></header>
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite a teammate"</h2>
            <ActionForm action=invite attr:class="inline-form">
                <FormBanner result=invite_result />
                <TextField label="E-mail" name="email" kind="email" server_error=server_message(invite_result, "email") />
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">
                        {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary">"Create invite link"</button>
            </ActionForm>
            {move || issued().map(|link| view! {
                <div class="banner success" role="status">
                    <p>"Send this one-time link to " <strong>{link.email.clone()}</strong> ". It works for 7 days."</p>
                    <label for="invite-link">"Invite link"</label>
                    <input id="invite-link" class="copy-field" readonly value=link.link.clone() />
                </div>
            })}
        </section>
        <FormBanner result=form_outcome(change_role) />
        <FormBanner result=form_outcome(set_active) />
        <FormBanner result=form_outcome(revoke) />
        <FormBanner result=form_outcome(set_visibility) />
        <ResetLinkBanner action=reset_link />
        <Transition fallback=|| view! { <p>"Loading the team…"</p> }>
            {move || Suspend::new(async move {
                team.await.map(|team| {
                    let invites = team.invites;
                    view! {
                        <VisibilityCard current=team.visibility action=set_visibility />
                        <section class="card" aria-labelledby="members-title">
                            <h2 id="members-title">"Members (" {team.members.len()} ")"</h2>
                            <ul class="member-list">
                                {team.members.into_iter().map(|member| view! {
                                    <MemberRow member=member me=me change_role=change_role set_active=set_active reset_link=reset_link />
                                }).collect_view()}
                            </ul>
                        </section>
                        <Show when={let empty = invites.is_empty(); move || !empty}>
                            <section class="card" aria-labelledby="pending-title">
                                <h2 id="pending-title">"Pending invitations"</h2>
                                <ul class="member-list">
                                    {invites.clone().into_iter().map(|pending| view! {
                                        <li class="member">
                                            <div class="who">
                                                <span class="member-name">{pending.email.clone()}</span>
                                                <span class="hint">{pending.role.label()} " · expires " {pending.expires_at.format("%b %-d").to_string()}</span>
                                            </div>
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="invite_id" value=pending.id.to_string() />
                                                <button type="submit" class="secondary" aria-label=format!("Revoke invitation for {}", pending.email)>"Revoke"</button>
                                            </ActionForm>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        </Show>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn MemberRow(
    member: Member,
    me: domain::UserId,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetMemberActive>,
    reset_link: ServerAction<MemberResetLink>,
) -> impl IntoView {
    let id = member.id.to_string();
    // Each form's children own their copy.
    let (role_version, toggle_version) = (member.version.to_string(), member.version.to_string());
    let select_id = format!("role-{id}");
    let is_me = member.id == me;
    let toggle_label = if member.active {
        "Deactivate"
    } else {
        "Reactivate"
    };
    let toggle_name = format!("{toggle_label} {}", member.name);
    let toggle_id = id.clone();
    let next_active = (!member.active).to_string();
    let reset_id = id.clone();
    let reset_name = format!("Reset link for {}", member.name);
    view! {
        <li class="member" class:inactive=!member.active>
            <div class="who">
                <span class="member-name">{member.name.clone()} {is_me.then_some(" (you)")}</span>
                <span class="hint">{member.email.clone()} {(!member.active).then_some(" · deactivated")}</span>
            </div>
            <div class="member-actions">
            <ActionForm action=change_role attr:class="row-form">
                <input type="hidden" name="member_id" value=id.clone() />
                <input type="hidden" name="version" value=role_version />
                <label class="visually-hidden" for=select_id.clone()>{format!("Role of {}", member.name)}</label>
                <select id=select_id name="role">
                    {Role::ALL.iter().map(|role| view! {
                        <option value=role.as_str() selected=*role == member.role>{role.label()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="secondary" aria-label=format!("Save role of {}", member.name)>"Save"</button>
            </ActionForm>
            {(!is_me).then(|| view! {
                <ActionForm action=set_active attr:class="row-form">
                    <input type="hidden" name="member_id" value=toggle_id />
                    <input type="hidden" name="version" value=toggle_version />
                    <input type="hidden" name="active" value=next_active />
                    <button type="submit" class="secondary" aria-label=toggle_name>{toggle_label}</button>
                </ActionForm>
            })}
            {member.active.then(|| view! {
                <ActionForm action=reset_link attr:class="row-form">
                    <input type="hidden" name="member_id" value=reset_id />
                    <button type="submit" class="secondary" aria-label=reset_name>"Reset link"</button>
                </ActionForm>
            })}
            </div>
        </li>
    }
}

/// The reset link an admin just made, to copy and pass on (or why it was refused).
#[component]
fn ResetLinkBanner(action: ServerAction<MemberResetLink>) -> impl IntoView {
    let result = form_outcome(action);
    let link = move || result.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned());
    view! {
        <FormBanner result=result />
        {move || link().map(|link| view! {
            <div class="banner success" role="status">
                <p>"Send this one-time link to the member. It works for one hour and signs them out everywhere else."</p>
                <label for="reset-link">"Reset link"</label>
                <input id="reset-link" class="copy-field" readonly value=link />
            </div>
        })}
    }
}

/// Who sees which deals and leads: the workspace's record visibility.
#[component]
fn VisibilityCard(current: Visibility, action: ServerAction<SetVisibility>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="visibility-title">
            <h2 id="visibility-title">"Who sees which records"</h2>
            <ActionForm action=action attr:class="inline-form">
                <fieldset class="visibility-choices">
                    <legend class="visually-hidden">"Record visibility"</legend>
                    {Visibility::ALL.into_iter().map(|choice| view! {
                        <label>
                            <input type="radio" name="visibility" value=choice.key() checked=choice == current />
                            {choice.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <p class="hint">"Managers, marketers and admins always see everything. Deals and leads nobody owns stay visible to all, so the shared inbox still works."</p>
                <button type="submit" class="secondary">"Save visibility"</button>
            </ActionForm>
        </section>
    }
}
