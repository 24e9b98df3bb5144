//! Who gets which leads, and how fast they must answer: assignment rules, the
//! first-response target, and how need, budget, authority and timeline are weighed.

use crate::api::lead_setup::{add_lead_rule, remove_lead_rule, save_lead_settings};
use domain::{
    board::Owner,
    lead::{LeadSource, ScoreWeights},
    lead_rules::{AssignmentRule, LeadSettings, NewRule, RuleField},
    AppError,
};
use leptos::{prelude::*, task::spawn_local};

fn describe(rule: &AssignmentRule) -> String {
    let value = match rule.field {
        RuleField::Source => {
            LeadSource::parse(&rule.value).map_or(rule.value.clone(), |s| s.label().to_owned())
        }
        _ => rule.value.clone(),
    };
    let people: Vec<&str> = rule.members.iter().map(|(_, name)| name.as_str()).collect();
    let to = if people.len() > 1 {
        format!("{} in turn", people.join(", "))
    } else {
        people.join("")
    };
    format!("{} is {value} → {to}", rule.field.label())
}

#[component]
pub fn Rules(
    rules: Vec<AssignmentRule>,
    members: Vec<Owner>,
    editable: bool,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let rules = RwSignal::new(rules);
    let error = RwSignal::new(None::<String>);
    let remove = move |id: uuid::Uuid| {
        spawn_local(async move {
            match remove_lead_rule(id).await {
                Ok(fresh) => {
                    rules.try_set(fresh);
                    notice.try_set(Some("Rule removed.".to_owned()));
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="rules-title">
            <h2 id="rules-title">"Assignment rules"</h2>
            <p class="hint">"The first rule that matches a new lead decides who gets it; several people take turns. Leads no rule matches go to the sales reps in turn."</p>
            <ol class="rules">
                {move || rules.get().into_iter().map(|rule| {
                    let text = describe(&rule);
                    let id = rule.id;
                    view! {
                        <li>
                            <span>{text.clone()}</span>
                            {editable.then(|| view! {
                                <button type="button" class="link danger-link" aria-label=format!("Remove rule {text}")
                                    on:click=move |_| remove(id)>"Remove"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || rules.with(Vec::is_empty).then(|| view! { <p class="empty">"No rules: every lead goes round the reps."</p> })}
            <p class="field-error" role="alert">{move || error.get()}</p>
            {editable.then(|| view! { <NewRuleForm members rules notice /> })}
        </section>
    }
}

#[component]
fn NewRuleForm(
    members: Vec<Owner>,
    rules: RwSignal<Vec<AssignmentRule>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let field = RwSignal::new(RuleField::Country);
    let value = RwSignal::new(String::new());
    let picked: Vec<(Owner, RwSignal<bool>)> = members
        .into_iter()
        .map(|m| (m, RwSignal::new(false)))
        .collect();
    let chosen = StoredValue::new(picked.clone());
    let error = RwSignal::new(None::<AppError>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let rule = NewRule {
            field: field.get_untracked(),
            value: value.get_untracked(),
            members: chosen.with_value(|list| {
                list.iter()
                    .filter(|(_, on)| on.get_untracked())
                    .map(|(m, _)| m.id)
                    .collect()
            }),
        };
        if let Err(problems) = rule.validate() {
            error.set(Some(AppError::Validation(problems)));
            return;
        }
        spawn_local(async move {
            match add_lead_rule(rule).await {
                Ok(fresh) => {
                    rules.try_set(fresh);
                    value.try_set(String::new());
                    error.try_set(None);
                    notice.try_set(Some("Rule added: it applies to the next lead.".to_owned()));
                }
                Err(problem) => {
                    error.try_set(Some(problem));
                }
            }
        });
    };
    let message =
        move |name: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field_message(name)));
    view! {
        <form class="new-rule" aria-label="New assignment rule" on:submit=save novalidate>
            <h3>"New rule"</h3>
            <div class="field">
                <label for="rule-field">"Leads whose"</label>
                <select id="rule-field" on:change=move |e| {
                    if let Some(f) = RuleField::parse(&event_target_value(&e)) { field.set(f) }
                }>
                    {RuleField::ALL.into_iter().map(|f| view! {
                        <option value=f.key() selected=move || field.get() == f>{f.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="rule-value">"is"</label>
                {move || if field.get() == RuleField::Source {
                    view! {
                        <select id="rule-value" on:change=move |e| value.set(event_target_value(&e))>
                            <option value="">"Pick a source"</option>
                            {LeadSource::ALL.into_iter().map(|s| view! { <option value=s.key()>{s.label()}</option> }).collect_view()}
                        </select>
                    }.into_any()
                } else {
                    view! {
                        <input id="rule-value" placeholder=move || if field.get() == RuleField::Country { "e.g. Germany" } else { "e.g. Spring webinar" }
                            value=value.get_untracked() prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
                    }.into_any()
                }}
                <p class="field-error">{move || message("value")}</p>
            </div>
            <fieldset class="field-choices">
                <legend>"go to"</legend>
                {picked.into_iter().map(|(member, on)| view! {
                    <label class="choice">
                        <input type="checkbox" checked=on.get_untracked() prop:checked=move || on.get() on:change=move |e| on.set(event_target_checked(&e)) />
                        {member.name}
                    </label>
                }).collect_view()}
                <p class="field-error">{move || message("members")}</p>
            </fieldset>
            <p class="field-error" role="alert">{move || error.with(|e| e.as_ref().filter(|e| !matches!(e, AppError::Validation(_))).map(AppError::explain))}</p>
            <button type="submit" class="primary">"Add rule"</button>
        </form>
    }
}

#[component]
pub fn InboxSettings(
    settings: LeadSettings,
    editable: bool,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let minutes = RwSignal::new(settings.first_response_minutes.to_string());
    let form_check = RwSignal::new(settings.form_check);
    // The version this page saves on top of; each save moves it on.
    let version = RwSignal::new(settings.version);
    let w = settings.weights;
    let weights = [
        ("Need", RwSignal::new(w.need.to_string())),
        ("Budget", RwSignal::new(w.budget.to_string())),
        ("Authority", RwSignal::new(w.authority.to_string())),
        ("Timeline", RwSignal::new(w.timeline.to_string())),
    ];
    let error = RwSignal::new(None::<String>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // Unreadable numbers become out-of-range ones, which the rules name.
        let number =
            |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(u32::MAX);
        let weight = |s: RwSignal<String>| u8::try_from(number(s)).unwrap_or(u8::MAX);
        let settings = LeadSettings {
            first_response_minutes: number(minutes),
            weights: ScoreWeights {
                need: weight(weights[0].1),
                budget: weight(weights[1].1),
                authority: weight(weights[2].1),
                timeline: weight(weights[3].1),
            },
            version: version.get_untracked(),
            form_check: form_check.get_untracked(),
        };
        if let Err(problems) = settings.validate() {
            error.set(problems.0.first().map(|p| p.message.clone()));
            return;
        }
        spawn_local(async move {
            match save_lead_settings(settings).await {
                Ok(saved) => {
                    version.try_set(saved.version);
                    error.try_set(None);
                    notice.try_set(Some("Inbox settings saved.".to_owned()));
                }
                Err(problem) => {
                    error.try_set(Some(problem.explain()));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="inbox-settings-title">
            <h2 id="inbox-settings-title">"Response target and scoring"</h2>
            <form class="inbox-settings" aria-label="Inbox settings" on:submit=save novalidate>
                <div class="field">
                    <label for="first-response">"First response within (minutes)"</label>
                    <input id="first-response" type="number" min="1" inputmode="numeric" disabled=!editable
                        value=minutes.get_untracked() prop:value=move || minutes.get() on:input=move |e| minutes.set(event_target_value(&e)) />
                    <p class="hint">"New leads nobody has answered by then are marked and listed under Response overdue."</p>
                </div>
                <fieldset class="weights">
                    <legend>"Score weights"</legend>
                    {weights.into_iter().map(|(label, value)| view! {
                        <label class="weight">
                            <span>{label}</span>
                            <input type="number" min="0" max="100" inputmode="numeric" disabled=!editable
                                value=value.get_untracked() prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label class="check">
                        <input type="checkbox" disabled=!editable checked=form_check.get_untracked()
                            prop:checked=move || form_check.get() on:change=move |e| form_check.set(event_target_checked(&e)) />
                        "Require the timing check on web forms"
                    </label>
                    <p class="hint">"Refuses posts sent within seconds of the form's page opening, or from pages that never ran the form's script: most spam bots. Visitors need JavaScript on."</p>
                </div>
                <p class="field-error" role="alert">{move || error.get()}</p>
                {editable.then(|| view! { <button type="submit" class="primary">"Save settings"</button> })}
                {(!editable).then(|| view! { <p class="hint">"Admins and managers change these."</p> })}
            </form>
        </section>
    }
}
