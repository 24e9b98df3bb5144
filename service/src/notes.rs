//! Notes on deals, contacts and companies, and the Markdown they are written in.
//!
//! Notes are stored as typed and rendered when read. The renderer turns raw HTML into
//! text and any link that is not http(s), mailto or tel into a dead `#`, so a note can
//! never run script in a teammate's browser.

use crate::write::Lock;
use crate::{
    db::{name_in_workspace, OrInternal},
    entity::{company, contact, lead, note},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::event::{payload, Payload, Subject};
use domain::{
    account::CurrentUser,
    note::{NewNote, RecordRef},
    timeline::{Entry, TimelineItem},
    AppError,
};
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Link targets a note may point at; everything else (javascript:, data:, vbscript:…)
/// becomes `#`.
const SAFE_SCHEMES: [&str; 4] = ["https://", "http://", "mailto:", "tel:"];

/// Quotes, lists and list items open at once before deeper ones are rendered flat:
/// every level a note may write (`note::NESTING_MAX`, a list level being a list and an
/// item), so only notes stored before that bound lose structure, never their text.
const RENDER_DEPTH_MAX: usize = 2 * domain::note::NESTING_MAX;

fn is_container(tag: &Tag<'_>) -> bool {
    matches!(tag, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
}

fn ends_container(tag: &TagEnd) -> bool {
    matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
}

/// Renders a note's Markdown to HTML that is safe to insert into a page.
pub fn render_markdown(body: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Containers open now; those past `RENDER_DEPTH_MAX` are dropped with their ends.
    let mut depth = 0_usize;
    let events = Parser::new_ext(body, options)
        .filter_map(move |event| match &event {
            Event::Start(tag) if is_container(tag) => {
                depth += 1;
                (depth <= RENDER_DEPTH_MAX).then_some(event)
            }
            Event::End(tag) if ends_container(tag) => {
                let shown = depth <= RENDER_DEPTH_MAX;
                depth = depth.saturating_sub(1);
                shown.then_some(event)
            }
            _ => Some(event),
        })
        .map(|event| match event {
            // Raw HTML is shown as the text it is, never parsed by the browser.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_link(dest_url),
                title,
                id,
            }),
            // Images would load from anywhere (tracking pixels): show them as links.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_link(dest_url),
                title,
                id,
            }),
            Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
            other => other,
        });
    let mut out = String::with_capacity(body.len() * 5 / 4);
    html::push_html(&mut out, events);
    out
}

fn safe_link(url: CowStr<'_>) -> CowStr<'_> {
    // Check the address a browser will follow: it drops tabs and line breaks anywhere
    // in a URL and skips leading spaces and control characters.
    let followed: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c <= ' ')
        .to_ascii_lowercase();
    // A path on this site, but not "//host" or "/\host", which browsers read as
    // another site.
    let on_this_site = followed
        .strip_prefix('/')
        .is_some_and(|rest| !rest.starts_with(['/', '\\']));
    if on_this_site
        || followed.starts_with('#')
        || SAFE_SCHEMES
            .iter()
            .any(|scheme| followed.starts_with(scheme))
    {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The record must exist in the viewer's workspace; its title is returned for the log.
pub(crate) async fn record_title<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    record: RecordRef,
) -> Result<String, AppError> {
    let workspace = viewer.workspace_id.0;
    let found = match record {
        // Deals and leads through the visibility check: a hidden one is not found.
        RecordRef::Deal(id) => Some(crate::deals::load_deal(conn, viewer, id).await?.title),
        RecordRef::Contact(id) => {
            name_in_workspace::<contact::Entity, _>(
                conn,
                (contact::Column::Id, id.0),
                (contact::Column::WorkspaceId, workspace),
                |c| c.name,
            )
            .await?
        }
        RecordRef::Company(id) => {
            name_in_workspace::<company::Entity, _>(
                conn,
                (company::Column::Id, id.0),
                (company::Column::WorkspaceId, workspace),
                |c| c.name,
            )
            .await?
        }
        RecordRef::Lead(id) => {
            crate::permissions::visible(lead::Entity::find_by_id(id), viewer, lead::Column::OwnerId)
                .filter(lead::Column::WorkspaceId.eq(workspace))
                .one(conn)
                .await
                .or_internal()?
                .map(|l| {
                    l.name
                        .or(l.email)
                        .or(l.company)
                        .unwrap_or_else(|| "a lead".to_owned())
                })
        }
    };
    found.ok_or(AppError::NotFound)
}

/// A stored note as a timeline line.
pub(crate) fn note_item(row: &note::Model, author: Option<String>) -> TimelineItem {
    TimelineItem {
        key: format!("n{}", row.id),
        at: row.created_at,
        who: author,
        entry: Entry::Note {
            html: render_markdown(&row.body),
        },
    }
}

impl Crm {
    /// Adds a note to a deal, contact or company of the viewer's workspace.
    ///
    /// # Errors
    /// `Validation` for an empty or too-long note; `NotFound` for a record elsewhere.
    pub async fn add_note(
        &self,
        viewer: &CurrentUser,
        new: NewNote,
    ) -> Result<TimelineItem, AppError> {
        let body = new.validate().map_err(AppError::Validation)?;
        crate::permissions::permit(viewer, domain::permission::Action::AddNote)?;
        self.write(Lock::Rows, async |txn| {
            let title = record_title(txn, viewer, new.on).await?;
            let (deal_id, contact_id, company_id, lead_id) = match new.on {
                RecordRef::Deal(id) => (Some(id.0), None, None, None),
                RecordRef::Contact(id) => (None, Some(id.0), None, None),
                RecordRef::Company(id) => (None, None, Some(id.0), None),
                RecordRef::Lead(id) => (None, None, None, Some(id)),
            };
            let row = note::ActiveModel {
                id: Set(Uuid::new_v4()),
                workspace_id: Set(viewer.workspace_id.0),
                body: Set(body),
                author_id: Set(Some(viewer.user_id.0)),
                deal_id: Set(deal_id),
                contact_id: Set(contact_id),
                company_id: Set(company_id),
                lead_id: Set(lead_id),
                created_at: Set(Utc::now()),
            }
            .insert(txn)
            .await
            .or_internal()?;
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Note(row.id),
                payload: Payload::NoteAdded(
                    (),
                    payload::NoteAdded {
                        record: new.on.subject(),
                        title,
                    },
                ),
            })
            .await?;
            Ok(note_item(&row, Some(viewer.name.clone())))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::{render_markdown, RENDER_DEPTH_MAX};

    #[test]
    fn nesting_past_the_bound_renders_flat_but_keeps_the_text() {
        let html = render_markdown(&format!("{}deep words", ">".repeat(20_000)));
        assert_eq!(html.matches("<blockquote>").count(), RENDER_DEPTH_MAX);
        assert_eq!(html.matches("</blockquote>").count(), RENDER_DEPTH_MAX);
        assert!(html.contains("deep words"));
        let lists = render_markdown(&format!("{}item", "- ".repeat(5_000)));
        assert_eq!(
            lists.matches("<ul>").count() + lists.matches("<li>").count(),
            RENDER_DEPTH_MAX
        );
        assert!(lists.contains("item"));
        let allowed = render_markdown(&format!("{}text", "> ".repeat(16)));
        assert_eq!(
            allowed.matches("<blockquote>").count(),
            16,
            "within the bound, as written"
        );
    }

    #[test]
    fn markdown_formats_but_raw_html_stays_text() {
        let html = render_markdown("**Budget** approved <script>alert(1)</script>");
        assert!(html.contains("<strong>Budget</strong>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script"));
        let block = render_markdown("<img src=x onerror=alert(1)>\n\nok");
        assert!(!block.contains("<img"));
    }

    #[test]
    fn only_web_mail_and_phone_links_survive() {
        let html = render_markdown("[site](https://acme.example) [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [m](mailto:a@b.example)");
        assert!(html.contains("href=\"https://acme.example\""));
        assert!(html.contains("href=\"mailto:a@b.example\""));
        assert!(!html.to_ascii_lowercase().contains("javascript"));
        let image = render_markdown("![pixel](https://tracker.example/p.gif)");
        for off_site in ["//evil.example", "/\\evil.example", "/\t/evil.example"] {
            let html = render_markdown(&format!("[x](<{off_site}>)"));
            assert!(html.contains("href=\"#\""), "{off_site}: {html}");
        }
        let here = render_markdown("[deal](/deals/1) [top](#top)");
        assert!(
            here.contains("href=\"/deals/1\"") && here.contains("href=\"#top\""),
            "{here}"
        );
        assert!(!image.contains("<img"));
        assert!(image.contains("<a href=\"https://tracker.example/p.gif\">pixel</a>"));
    }
}
