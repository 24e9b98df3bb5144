//! Generated inputs: proptest strategies that turn a valid sample into a hostile one.
//! A case replaces a node (a leaf or a whole object) with a boundary number, a hostile
//! string, a wrong type or deep nesting; drops a key; adds one; grows a list; or swaps
//! the whole body for text no parser should accept. Every node of the sample is a
//! target, so the mutations follow the argument types wherever they nest.

use proptest::{
    collection::vec,
    prelude::*,
    sample::select,
    strategy::{BoxedStrategy, Union},
};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Deepest nesting generated: past serde_json's recursion limit (128).
const NEST_MAX: usize = 160;
/// Longest list a mutation grows: far past every list bound (`BULK_MAX` is 200).
const REPEAT_MAX: usize = 3_000;

/// A step into a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

pub type Path = Vec<Step>;

#[derive(Debug, Clone)]
pub enum Mutation {
    Replace(Path, Value),
    /// A key dropped from an object, or an item from a list.
    Remove(Path),
    /// A key no argument has.
    Extra(Path, String, Value),
    /// A list grown to `n` copies of its first item.
    Repeat(Path, usize),
}

/// What one generated request carries.
#[derive(Debug, Clone)]
pub enum Case {
    Mutated(Vec<Mutation>),
    /// Bytes that are not the sample at all.
    Raw(Vec<u8>),
}

impl Case {
    /// The body value, for a mutated case.
    pub fn apply(&self, sample: &Value) -> Option<Value> {
        let Case::Mutated(mutations) = self else {
            return None;
        };
        let mut value = sample.clone();
        for mutation in mutations {
            mutate(&mut value, mutation);
        }
        Some(value)
    }
}

impl Case {
    /// The case in a line, for a report: what changed where, long texts abbreviated.
    pub fn describe(&self) -> String {
        let Case::Mutated(mutations) = self else {
            return "raw body".into();
        };
        let at = |path: &Path| {
            let steps: Vec<String> = path
                .iter()
                .map(|s| match s {
                    Step::Key(k) => k.clone(),
                    Step::Index(i) => i.to_string(),
                })
                .collect();
            format!("/{}", steps.join("/"))
        };
        let parts: Vec<String> = mutations
            .iter()
            .map(|m| match m {
                Mutation::Replace(p, v) => format!("{} := {}", at(p), brief(v)),
                Mutation::Remove(p) => format!("{} removed", at(p)),
                Mutation::Extra(p, k, v) => format!("{}/{k:?} added := {}", at(p), brief(v)),
                Mutation::Repeat(p, n) => format!("{} := {n} copies of its first item", at(p)),
            })
            .collect();
        parts.join("; ")
    }
}

/// A value in at most about 100 characters; a long text as its start and length.
pub fn brief(value: &Value) -> String {
    match value {
        Value::String(text) if text.chars().count() > 60 => {
            let start: String = text.chars().take(12).collect();
            format!("{start:?}… ({} chars)", text.chars().count())
        }
        other => {
            let text = other.to_string();
            if text.chars().count() > 100 {
                format!(
                    "{}… ({} chars)",
                    text.chars().take(100).collect::<String>(),
                    text.len()
                )
            } else {
                text
            }
        }
    }
}

/// Every node of `value` (the root is the empty path), and which are objects and lists.
fn paths(value: &Value) -> (Vec<Path>, Vec<Path>, Vec<Path>) {
    fn walk(value: &Value, at: &mut Path, out: &mut (Vec<Path>, Vec<Path>, Vec<Path>)) {
        out.0.push(at.clone());
        match value {
            Value::Object(map) => {
                out.1.push(at.clone());
                for (key, child) in map {
                    at.push(Step::Key(key.clone()));
                    walk(child, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                if !items.is_empty() {
                    out.2.push(at.clone());
                }
                for (index, child) in items.iter().enumerate() {
                    at.push(Step::Index(index));
                    walk(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter()
        .try_fold(value, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })
}

fn mutate(value: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::Replace(path, new) => {
            if let Some(target) = node(value, path) {
                *target = new.clone();
            }
        }
        Mutation::Remove(path) => {
            let Some((last, parent)) = path.split_last() else {
                *value = Value::Null;
                return;
            };
            match (node(value, parent), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    map.remove(key);
                }
                (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                    items.remove(*index);
                }
                _ => {}
            }
        }
        Mutation::Extra(path, key, new) => {
            if let Some(Value::Object(map)) = node(value, path) {
                map.insert(key.clone(), new.clone());
            }
        }
        Mutation::Repeat(path, n) => {
            if let Some(Value::Array(items)) = node(value, path) {
                if let Some(first) = items.first().cloned() {
                    *items = vec![first; *n];
                }
            }
        }
    }
}

/// Numbers at the edges of every integer type a parameter might have, and floats.
pub fn boundary_numbers() -> Vec<Value> {
    vec![
        json!(0),
        json!(-1),
        json!(1),
        json!(255),
        json!(256),
        json!(10_001),
        json!(i32::MAX),
        json!(i32::MIN),
        json!(i64::from(i32::MAX) + 1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(9_007_199_254_740_993_u64),
        json!(1e308),
        json!(-1e308),
        json!(0.5),
        json!(-0.0),
    ]
}

/// Values of the wrong type for almost any parameter.
fn wrong_types() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(false),
        json!([]),
        json!({}),
        json!([1, "two", null]),
        json!({"": null, "__proto__": {"admin": true}}),
        json!({"Won": null, "Lost": {"reason": 1}}),
    ]
}

/// Lists (or maps) nested `depth` deep around a zero.
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(0), |inner, level| {
        if level % 2 == 0 {
            Value::Array(vec![inner])
        } else {
            let mut map = Map::new();
            map.insert("a".into(), inner);
            Value::Object(map)
        }
    })
}

/// Any replacement value: hostile texts weigh most, since most parameters are text.
fn hostile(strings: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let text = (0..strings.len()).prop_map(move |i| Value::String(strings[i].clone()));
    let random_text =
        vec(any::<char>(), 0..24).prop_map(|c| Value::String(c.into_iter().collect()));
    prop_oneof![
        8 => text,
        4 => select(boundary_numbers()),
        2 => any::<i64>().prop_map(Value::from),
        3 => select(wrong_types()),
        1 => (1..=NEST_MAX).prop_map(nested),
        2 => random_text,
    ]
    .boxed()
}

/// Cases for one sample: one to three mutations, or now and then a raw body.
pub fn cases(sample: &Value, strings: Arc<Vec<String>>, raw: Vec<Vec<u8>>) -> BoxedStrategy<Case> {
    let (all, objects, lists) = paths(sample);
    let inner: Vec<Path> = all.iter().filter(|p| !p.is_empty()).cloned().collect();
    let mut kinds: Vec<(u32, BoxedStrategy<Mutation>)> = vec![(
        8,
        (select(all), hostile(strings.clone()))
            .prop_map(|(p, v)| Mutation::Replace(p, v))
            .boxed(),
    )];
    if !inner.is_empty() {
        kinds.push((2, select(inner).prop_map(Mutation::Remove).boxed()));
    }
    if !objects.is_empty() {
        let keys = vec!["", "extra", "__proto__", "id", "version", "x[0]"];
        let key = select(keys).prop_map(str::to_owned);
        let extra =
            (select(objects), key, hostile(strings)).prop_map(|(p, k, v)| Mutation::Extra(p, k, v));
        kinds.push((1, extra.boxed()));
    }
    if !lists.is_empty() {
        let repeat = (select(lists), 2..=REPEAT_MAX).prop_map(|(p, n)| Mutation::Repeat(p, n));
        kinds.push((1, repeat.boxed()));
    }
    let mutated = vec(Union::new_weighted(kinds), 1..=3).prop_map(Case::Mutated);
    prop_oneof![12 => mutated, 1 => select(raw).prop_map(Case::Raw)].boxed()
}

/// Bodies no server-function parser should accept, for either encoding.
pub fn raw_bodies() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        "",
        "{",
        "}",
        "null",
        "[]",
        "\"text\"",
        "{\"a\":",
        "{\"id\":\"\\ud800\"}",
        "%zz=1",
        "a[=1",
        "=&=&=",
        "a[0][1][2][3][4][5][6][7]=x",
        "\u{0}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    bodies.push(vec![0xff, 0xfe, 0x00, 0x80]);
    bodies.push("[".repeat(20_000).into_bytes());
    bodies.push(format!("{{\"a\":\"{}\"}}", "b".repeat(70_000)).into_bytes());
    bodies
}
