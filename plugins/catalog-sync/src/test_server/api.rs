//! The catalog endpoints, as the real Backstage answers them (see
//! `../shared/backstage-peer/README.md`): cursor paging on by-query with `fields` and
//! `totalItems=include|exclude`, by-refs with nulls in request order, entity-facets, and
//! Backstage-shaped error bodies.

use std::collections::BTreeMap;
use std::io::Write as _;

use serde_json::{Value, json};

use super::catalog::Catalog;
use super::fields::{parse_fields, project};

/// Backstage's default page size when `limit` is absent.
const DEFAULT_LIMIT: usize = 20;

pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

pub(crate) fn error(status: u16, name: &str, message: &str, method: &str, url: &str) -> Reply {
    let body = json!({
        "error": {"name": name, "message": message},
        "request": {"method": method, "url": url},
        "response": {"statusCode": status}
    });
    Reply {
        status,
        content_type: "application/json; charset=utf-8",
        body: body.to_string().into_bytes(),
    }
}

fn ok_json(body: Vec<u8>) -> Reply {
    Reply {
        status: 200,
        content_type: "application/json; charset=utf-8",
        body,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The cursor: opaque to clients; carries the position, the filter and totalItems.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cursor {
    after: String,
    filters: Vec<String>,
    total: u64,
}

/// `filter` params: each is `k=v,k2=v2` (all must match); several params: any may match.
fn matches(entity: &Value, filters: &[String]) -> bool {
    if filters.is_empty() {
        return true;
    }
    filters.iter().any(|f| {
        f.split(',').all(|cond| {
            let (path, want) = match cond.split_once('=') {
                Some((p, v)) => (p.trim(), Some(v.trim())),
                None => (cond.trim(), None),
            };
            let mut v = entity;
            for part in path.split('.') {
                match v.get(part) {
                    Some(x) => v = x,
                    None => return false,
                }
            }
            match (want, v) {
                (None, _) => true,
                (Some(w), Value::String(s)) => s.eq_ignore_ascii_case(w),
                (Some(w), Value::Array(a)) => a
                    .iter()
                    .any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case(w))),
                (Some(w), Value::Bool(b)) => w == if *b { "true" } else { "false" },
                (Some(w), Value::Number(n)) => n
                    .as_f64()
                    .is_some_and(|x| w.parse::<f64>().is_ok_and(|y| x == y)),
                (Some(_), _) => false,
            }
        })
    })
}

pub(crate) fn by_query(catalog: &Catalog, query: &[(String, String)], url: &str) -> Reply {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let all = |k: &str| {
        query
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    let fields = parse_fields(all("fields"));
    let limit = match get("limit") {
        Some(l) => match l.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                return error(
                    400,
                    "InputError",
                    &format!("Invalid limit \"{l}\""),
                    "GET",
                    url,
                );
            }
        },
        None => DEFAULT_LIMIT,
    };
    let (after, filters, known_total) = match get("cursor") {
        Some(c) => match unhex(c).and_then(|b| serde_json::from_slice::<Cursor>(&b).ok()) {
            Some(cur) => (Some(cur.after), cur.filters, Some(cur.total)),
            None => {
                return error(
                    400,
                    "InputError",
                    "Malformed cursor, could not be parsed",
                    "GET",
                    url,
                );
            }
        },
        None => {
            let mode = get("totalItems");
            if let Some(m) = mode
                && m != "include"
                && m != "exclude"
            {
                let msg = format!(
                    "Invalid totalItems parameter \"{m}\", expected one of: include, exclude"
                );
                return error(400, "InputError", &msg, "GET", url);
            }
            let filters: Vec<String> = all("filter").into_iter().map(str::to_owned).collect();
            let total = if mode == Some("exclude") {
                0
            } else {
                catalog.iter().filter(|(_, e)| matches(e, &filters)).count() as u64
            };
            (None, filters, Some(total))
        }
    };
    let total = known_total.unwrap_or(0);
    let mut out = Vec::with_capacity(limit.min(1000) * 1200 + 128);
    out.extend_from_slice(b"{\"items\":[");
    let mut last: Option<&String> = None;
    let mut more = false;
    for (n, (key, e)) in catalog
        .range_after(after.as_deref())
        .filter(|(_, e)| matches(e, &filters))
        .enumerate()
    {
        if n == limit {
            more = true;
            break;
        }
        if n > 0 {
            out.push(b',');
        }
        let written = if fields.is_empty() {
            serde_json::to_writer(&mut out, e)
        } else {
            serde_json::to_writer(&mut out, &project(e, &fields))
        };
        if written.is_err() {
            return error(500, "Error", "serialization failed", "GET", url);
        }
        last = Some(key);
    }
    let _ = write!(out, "],\"totalItems\":{total},\"pageInfo\":{{");
    if let (true, Some(last)) = (more, last) {
        let cursor = Cursor {
            after: last.clone(),
            filters,
            total,
        };
        let encoded = serde_json::to_vec(&cursor)
            .map(|b| hex(&b))
            .unwrap_or_default();
        let _ = write!(out, "\"nextCursor\":\"{encoded}\"");
    }
    out.extend_from_slice(b"}}");
    ok_json(out)
}

pub(crate) fn by_refs(
    catalog: &Catalog,
    query: &[(String, String)],
    content_type: Option<&str>,
    body: &[u8],
    url: &str,
) -> Reply {
    if !content_type.is_some_and(|c| c.starts_with("application/json")) {
        return error(400, "InputError", "Content-Type missing", "POST", url);
    }
    #[derive(serde::Deserialize)]
    struct Req {
        #[serde(rename = "entityRefs")]
        entity_refs: Vec<String>,
        #[serde(default)]
        fields: Vec<String>,
    }
    let req: Req = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                400,
                "InputError",
                &format!("Malformed request: {e}"),
                "POST",
                url,
            );
        }
    };
    let mut fields = parse_fields(req.fields.iter().map(String::as_str));
    fields.extend(parse_fields(
        query
            .iter()
            .filter(|(k, _)| k == "fields")
            .map(|(_, v)| v.as_str()),
    ));
    let mut out = Vec::with_capacity(req.entity_refs.len() * 1200 + 16);
    out.extend_from_slice(b"{\"items\":[");
    for (i, r) in req.entity_refs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let entity = backlot_model::EntityRef::parse(r, None, "default")
            .ok()
            .and_then(|r| catalog.get(&r.key()));
        let written = match entity {
            Some(e) if fields.is_empty() => serde_json::to_writer(&mut out, e),
            Some(e) => serde_json::to_writer(&mut out, &project(e, &fields)),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        };
        if written.is_err() {
            return error(500, "Error", "serialization failed", "POST", url);
        }
    }
    out.extend_from_slice(b"]}");
    ok_json(out)
}

pub(crate) fn facets(catalog: &Catalog, query: &[(String, String)]) -> Reply {
    let mut result = serde_json::Map::new();
    for (_, facet) in query.iter().filter(|(k, _)| k == "facet") {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (_, e) in catalog.iter() {
            let mut v = Some(e);
            for part in facet.split('.') {
                v = v.and_then(|x| x.get(part));
            }
            match v {
                Some(Value::String(s)) => *counts.entry(s.clone()).or_default() += 1,
                Some(Value::Array(a)) => {
                    for s in a.iter().filter_map(Value::as_str) {
                        *counts.entry(s.to_owned()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        let mut list: Vec<(String, u64)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let json: Vec<Value> = list
            .into_iter()
            .map(|(value, count)| json!({"value": value, "count": count}))
            .collect();
        result.insert(facet.clone(), Value::Array(json));
    }
    ok_json(json!({ "facets": result }).to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn parse(r: &Reply) -> Value {
        serde_json::from_slice(&r.body).unwrap_or(Value::Null)
    }

    #[test]
    fn cursor_paging_covers_everything_once_with_total_on_every_page() {
        let c = Catalog::generate(53);
        let mut seen = Vec::new();
        let mut page = parse(&by_query(
            &c,
            &q(&[("limit", "10"), ("fields", "metadata.name")]),
            "/",
        ));
        let mut pages = 1;
        loop {
            assert_eq!(page["totalItems"], 53);
            for item in page["items"].as_array().cloned().unwrap_or_default() {
                assert_eq!(
                    item.as_object().map(|o| o.len()),
                    Some(1),
                    "only metadata: {item}"
                );
                seen.push(item["metadata"]["name"].as_str().unwrap_or("").to_owned());
            }
            let Some(cursor) = page["pageInfo"]["nextCursor"].as_str().map(str::to_owned) else {
                break;
            };
            // As in Backstage, `fields` must be repeated with the cursor.
            page = parse(&by_query(
                &c,
                &q(&[
                    ("limit", "10"),
                    ("cursor", &cursor),
                    ("fields", "metadata.name"),
                ]),
                "/",
            ));
            pages += 1;
            assert!(pages < 20);
        }
        assert_eq!(pages, 6);
        assert_eq!(seen.len(), 53);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 53);
        assert_eq!(by_query(&c, &q(&[("cursor", "zz")]), "/").status, 400);
        assert_eq!(
            by_query(&c, &q(&[("totalItems", "maybe")]), "/").status,
            400
        );
    }

    #[test]
    fn filters_and_by_refs_with_nulls() {
        let c = Catalog::generate(100);
        let page = parse(&by_query(
            &c,
            &q(&[("limit", "1000"), ("filter", "kind=group")]),
            "/",
        ));
        assert_eq!(page["totalItems"], 2);
        let body = br#"{"entityRefs":["group:default/team-00001","component:default/nope","Group:Default/TEAM-00000"],"fields":["metadata.name"]}"#;
        let r = parse(&by_refs(&c, &[], Some("application/json"), body, "/"));
        assert_eq!(
            r,
            json!({"items": [{"metadata": {"name": "team-00001"}}, null, {"metadata": {"name": "team-00000"}}]})
        );
        assert_eq!(by_refs(&c, &[], None, body, "/").status, 400);
        let f = parse(&facets(&c, &q(&[("facet", "kind")])));
        assert!(
            f["facets"]["kind"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["value"] == "Component"))
        );
    }
}
