//! Settings → Lead capture: web forms with copy-paste HTML, assignment rules, the
//! first-response target and the qualification weights. Marketers manage forms;
//! admins and managers manage routing too (the server enforces both).

mod forms;
mod routing;

use crate::api::json::load;
use crate::{
    api::{
        deals::get_board_options,
        lead_setup::{get_lead_setup, LeadSetup},
    },
    pages::shell::use_current_user,
};
use domain::{board::Owner, permission::Action};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LeadSettingsPage() -> impl IntoView {
    let setup = load(|| (), |_| get_lead_setup());
    let options = load(|| (), |_| get_board_options());
    view! {
        <Title text="Lead capture" />
        <header class="page-header"><h1>"Lead capture"</h1></header>
        <p class="crumbs"><a href="/settings">"Settings"</a></p>
        <Transition fallback=|| view! { <p class="loading">"Loading lead capture…"</p> }>
            {move || Suspend::new(async move {
                let (setup, options) = (setup.await, options.await);
                match setup {
                    Ok(setup) => {
                        let members = options.map(|o| o.owners).unwrap_or_default();
                        view! { <Sections setup members /> }.into_any()
                    }
                    Err(error) => view! { <div class="banner error" role="alert">{error.explain()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Sections(setup: LeadSetup, members: Vec<Owner>) -> impl IntoView {
    let role = use_current_user().role;
    let forms_editable = role.may(Action::EditLeadForms);
    let routing_editable = role.may(Action::EditLeadRouting);
    let notice = RwSignal::new(None::<String>);
    let LeadSetup {
        settings,
        forms,
        rules,
        base_url,
    } = setup;
    view! {
        <div role="status">
            {move || notice.get().map(|message| view! { <p class="banner success">{message}</p> })}
        </div>
        <forms::WebForms forms base_url editable=forms_editable notice />
        <routing::Rules rules members editable=routing_editable notice />
        <routing::InboxSettings settings editable=routing_editable notice />
    }
}
