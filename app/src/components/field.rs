//! Labelled form fields that show the same validation messages in the browser (as you
//! type) and from the server (after submitting).

use domain::{AppError, FieldErrors};
use leptos::prelude::*;

/// A rule from `domain`, applied to one field's text.
pub type FieldRule = fn(&mut FieldErrors, &str);

/// The first message a rule produces for `value`, if any.
pub fn first_problem(rule: FieldRule, value: &str) -> Option<String> {
    let mut errors = FieldErrors::default();
    rule(&mut errors, value);
    errors.0.into_iter().next().map(|e| e.message)
}

/// The server's message for `field` from an action's latest result.
pub fn server_message<T, R>(result: R, field: &'static str) -> Signal<Option<String>>
where
    T: 'static,
    R: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(error)) => error.field_message(field),
            _ => None,
        })
    })
}

/// A labelled input. `rule` runs in the browser once the field has been left;
/// `server_error` shows what the server said about the same field.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] rule: Option<FieldRule>,
    #[prop(into, default = Signal::stored(None))] server_error: Signal<Option<String>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] readonly: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let text = RwSignal::new(value.clone());
    let touched = RwSignal::new(false);
    let error = Signal::derive(move || {
        let local = match rule {
            Some(rule) if touched.get() => first_problem(rule, &text.get()),
            _ => None,
        };
        local.or_else(|| server_error.get())
    });
    let input_id = format!("field-{name}");
    let error_id = format!("field-{name}-error");
    let hint_id = format!("field-{name}-hint");
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                readonly=readonly
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                on:input=move |ev| text.set(event_target_value(&ev))
                on:blur=move |ev| {
                    // Read the field itself: it may have been filled before hydration.
                    text.set(event_target_value(&ev));
                    touched.set(true);
                }
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// The form-level message above a form: anything that is not about one field.
#[component]
pub fn FormBanner<T, R>(result: R) -> impl IntoView
where
    T: 'static,
    R: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let message = move || {
        result.with(|r| match r {
            Some(Err(AppError::Validation(errors))) => errors
                .for_field("form")
                .map(str::to_owned)
                .or_else(|| Some(AppError::Validation(errors.clone()).message())),
            Some(Err(other)) => Some(other.message()),
            _ => None,
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="banner error" role="alert">{message}</div>
        </Show>
    }
}

/// Text to put inside a `<textarea>` as its first value. The server renderer writes a
/// textarea's children unescaped, so text holding `</textarea>` would end it early and
/// the rest would be read as markup: escape it there. In the browser the text is set as
/// a DOM text node, which needs no escaping.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod textarea_tests {
    #[test]
    fn server_rendered_textarea_text_cannot_close_the_textarea() {
        assert_eq!(
            super::textarea_text("a</textarea><script>x</script>"),
            "a&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;"
        );
    }
}
