//! nunjucks' `{% set %}` inside a `for` loop updates a variable already set outside the
//! loop (`{% set total = 0 %}{% for … %}{% set total = total + x %}{% endfor %}` leaves the
//! sum); minijinja scopes the assignment to the loop. The variables concerned are mirrored
//! in a `namespace()`: every assignment also stores the value there, each loop body and the
//! text after each `endfor` read it back. The inserted tags print nothing and take over the
//! whitespace-control marker of the tag they follow (or precede), so `-%}`, `trim_blocks`
//! and `lstrip_blocks` strip the same text.
//!
//! Not covered: a loop's `else` branch, macros and call blocks (their sets stay local, as in
//! nunjucks), `set` blocks (`{% set x %}…{% endset %}`); `set a, b = v` gives both names
//! the whole value in nunjitsu but unpacks in minijinja.

use std::collections::BTreeSet;

use super::{find_tag_end, raw_block_len};

const NAMESPACE: &str = "__nj_outer";

/// One `{% … %}` tag: its byte range and body (without delimiters and markers).
struct Tag<'s> {
    start: usize,
    end: usize,
    /// `-` or `+` right after `{%`.
    lead: &'s str,
    /// `-` or `+` right before `%}`.
    trail: &'s str,
    body: &'s str,
}

fn tags<'s>(source: &'s str, variable_start: &str) -> Vec<Tag<'s>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < source.len() {
        let rest = &source[at..];
        let next = [rest.find("{%"), rest.find(variable_start), rest.find("{#")]
            .into_iter()
            .flatten()
            .min();
        let Some(i) = next else { break };
        let start = at + i;
        let tail = &source[start..];
        let (open, close) = if tail.starts_with("{%") {
            ("{%", "%}")
        } else if tail.starts_with("{#") {
            ("{#", "#}")
        } else {
            (variable_start, "}}")
        };
        let Some(len) = find_tag_end(&tail[open.len()..], close) else {
            break;
        };
        let mut end = start + open.len() + len + close.len();
        if open == "{%"
            && let Some(raw) = raw_block_len(&tail[2..2 + len], &source[end..])
        {
            // A raw block is text: its tags are not tags.
            end += raw;
        } else if open == "{%" {
            let mut inner = &tail[2..2 + len];
            let lead = if inner.starts_with(['-', '+']) {
                let l = &inner[..1];
                inner = &inner[1..];
                l
            } else {
                ""
            };
            let trail = if inner.ends_with(['-', '+']) {
                let t = &inner[inner.len() - 1..];
                inner = &inner[..inner.len() - 1];
                t
            } else {
                ""
            };
            found.push(Tag {
                start,
                end,
                lead,
                trail,
                body: inner.trim(),
            });
        }
        at = end;
    }
    found
}

fn first_word(body: &str) -> &str {
    body.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
}

/// `set a, b = …` → `[a, b]` (plain names only); `None` for other tags and set blocks.
fn set_targets(body: &str) -> Option<Vec<&str>> {
    let rest = body.strip_prefix("set")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let eq = rest.find('=')?;
    if rest[eq + 1..].starts_with('=') {
        return None;
    }
    let names: Vec<&str> = rest[..eq].split(',').map(str::trim).collect();
    names
        .iter()
        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(names)
}

/// `for a, b in …` → `[a, b]`.
fn for_targets(body: &str) -> Vec<&str> {
    let rest = body.strip_prefix("for").unwrap_or("");
    let targets = rest.split(" in ").next().unwrap_or("");
    targets
        .split(',')
        .map(|t| t.trim().trim_matches(['(', ')']).trim())
        .collect()
}

/// The source with loop assignments of outer variables mirrored (borrowed when none).
pub fn mirror<'s>(source: &'s str, variable_start: &str) -> std::borrow::Cow<'s, str> {
    use std::borrow::Cow;
    if !source.contains("set") || !source.contains("for") {
        return Cow::Borrowed(source);
    }
    let tags = tags(source, variable_start);
    // Pass 1: names set outside every loop before some loop sets them again.
    let mut outer: BTreeSet<&str> = BTreeSet::new();
    let mut mirrored: BTreeSet<String> = BTreeSet::new();
    let mut loops: Vec<Vec<&str>> = Vec::new();
    let mut opaque = 0usize; // inside macro/call: leave alone
    for tag in &tags {
        match first_word(tag.body) {
            "for" => loops.push(for_targets(tag.body)),
            "endfor" => {
                loops.pop();
            }
            "macro" | "call" => opaque += 1,
            "endmacro" | "endcall" => opaque = opaque.saturating_sub(1),
            _ => {
                if opaque > 0 {
                    continue;
                }
                if let Some(names) = set_targets(tag.body) {
                    for name in names {
                        if loops.is_empty() {
                            outer.insert(name);
                        } else if outer.contains(name)
                            && !loops.iter().flatten().any(|t| *t == name)
                        {
                            mirrored.insert(name.to_string());
                        }
                    }
                }
            }
        }
    }
    if mirrored.is_empty() {
        return Cow::Borrowed(source);
    }
    // Pass 2: insert the mirroring tags.
    let mut out = String::with_capacity(source.len() + 256);
    let mut copied = 0;
    let mut loops: Vec<Vec<&str>> = Vec::new();
    let mut opaque = 0usize;
    let mut created = false;
    for tag in &tags {
        let word = first_word(tag.body);
        let mut before = String::new();
        let mut after = String::new();
        if !created {
            // The namespace, before the first tag (taking over its leading marker).
            before.push_str(&format!(
                "{{%{} set {NAMESPACE} = namespace() %}}",
                tag.lead
            ));
            created = true;
        }
        let shadowed =
            |loops: &Vec<Vec<&str>>, name: &str| loops.iter().flatten().any(|t| *t == name);
        match word {
            "macro" | "call" => opaque += 1,
            "endmacro" | "endcall" => opaque = opaque.saturating_sub(1),
            _ => {}
        }
        if opaque == 0 {
            match word {
                "for" => {
                    loops.push(for_targets(tag.body));
                    for name in &mirrored {
                        if !shadowed(&loops, name) {
                            after.push_str(&format!(
                                "{{% set {name} = {NAMESPACE}.{name} if {NAMESPACE}.{name} is defined else {name} %}}"
                            ));
                        }
                    }
                }
                "endfor" => {
                    loops.pop();
                    for name in &mirrored {
                        if !shadowed(&loops, name) {
                            after.push_str(&format!(
                                "{{% set {name} = {NAMESPACE}.{name} if {NAMESPACE}.{name} is defined else {name} %}}"
                            ));
                        }
                    }
                }
                _ => {
                    if let Some(names) = set_targets(tag.body) {
                        for name in names {
                            if mirrored.contains(name) && !shadowed(&loops, name) {
                                after.push_str(&format!("{{% set {NAMESPACE}.{name} = {name} %}}"));
                            }
                        }
                    }
                }
            }
        }
        out.push_str(&source[copied..tag.start]);
        let mut original = source[tag.start..tag.end].to_string();
        if !before.is_empty() && !tag.lead.is_empty() {
            // The marker now belongs to the inserted tag in front.
            original.replace_range(2..3, "");
        }
        if !after.is_empty() && !tag.trail.is_empty() {
            // The trailing marker moves to the last inserted tag.
            let len = original.len();
            original.replace_range(len - 3..len - 2, "");
            let len = after.len();
            after.insert_str(len - 2, tag.trail);
        }
        out.push_str(&before);
        out.push_str(&original);
        out.push_str(&after);
        copied = tag.end;
    }
    out.push_str(&source[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> String {
        Templater::new(&TemplaterOptions::default())
            .render(src, &json!({"name": "dark-water"}))
            .unwrap()
    }

    #[test]
    fn loop_sets_update_outer_variables() {
        assert_eq!(
            r(
                "{% set t = 0 %}{% for x in [1,2] %}{% set t = t + x %}[${{ t }}]{% endfor %}[${{ t }}]"
            ),
            "[1][3][3]"
        );
        assert_eq!(
            r(
                "{% set t = 0 %}{% for x in [1,2] %}{% for z in [1,2] %}{% set t = t + 1 %}{% endfor %}{% endfor %}[${{ t }}]"
            ),
            "[4]"
        );
        assert_eq!(
            r("{% for x in [1,2] %}{% set y = x %}{% endfor %}[${{ y }}]"),
            "[]"
        );
        assert_eq!(
            r("{% for x in [1,2] %}{% set name = 'in' %}{% endfor %}[${{ name }}]"),
            "[dark-water]"
        );
        assert_eq!(
            r("{% set t = 1 %}{% for t in [5] %}{% set t = 7 %}{% endfor %}[${{ t }}]"),
            "[1]"
        );
        assert_eq!(
            r(
                "{% set t = 0 %}{% for x in [1] %}{% raw %}{% set t = 1 %}{% endraw %}{% set t = 2 %}{% endfor %}${{ t }}"
            ),
            "{% set t = 1 %}2"
        );
        assert_eq!(
            r("{% set t = 0 %}{% macro m() %}{% set t = 9 %}{% endmacro %}${{ m() }}[${{ t }}]"),
            "[0]"
        );
    }

    #[test]
    fn mirroring_keeps_whitespace_control() {
        assert_eq!(
            r(
                "{%- set t = 0 -%}\n  {% for x in [1, 2] -%}\n  {% set t = t + x -%}\n  {%- endfor %}\nt=${{ t }}"
            ),
            "\nt=3"
        );
        let trimmed = Templater::new(&TemplaterOptions {
            trim_blocks: true,
            lstrip_blocks: true,
            ..TemplaterOptions::default()
        });
        assert_eq!(
            trimmed
                .render(
                    "{% set t = 0 %}\n  {% for x in [1, 2] %}\n  {% set t = t + x %}\n  - ${{ x }}\n  {% endfor %}\nt=${{ t }}\n",
                    &json!({})
                )
                .unwrap(),
            "  - 1\n  - 2\nt=3\n"
        );
    }
}
