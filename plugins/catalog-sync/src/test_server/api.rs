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

/// The cursor: opaque to clients; carries the position, the filter and totalItems (and,
/// for [`Paging::Endless`], how often the listing has started over).
#[derive(serde::Serialize, serde::Deserialize)]
struct Cursor {
    after: String,
    filters: Vec<String>,
    total: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    lap: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Cursor {
    fn encode(&self) -> String {
        serde_json::to_vec(self)
            .map(|b| hex(&b))
            .unwrap_or_default()
    }
}

/// How a by-query page ends: as Backstage's do, or as a hostile server's (see the
/// [`super::Fault`]s of the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    Normal,
    /// `nextCursor` is the one the listing's first page handed out.
    CursorLoop,
    /// Past the last page, a fresh cursor that starts over.
    Endless,
    /// No items and no next cursor.
    EndListing,
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

pub(crate) fn by_query(
    catalog: &Catalog,
    query: &[(String, String)],
    url: &str,
    paging: Paging,
) -> Reply {
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
    let (after, filters, known_total, lap) = match get("cursor") {
        Some(c) => match unhex(c).and_then(|b| serde_json::from_slice::<Cursor>(&b).ok()) {
            Some(cur) => (Some(cur.after), cur.filters, Some(cur.total), cur.lap),
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
            let total = if mode == Some("exclude") || paging == Paging::EndListing {
                0
            } else {
                catalog.iter().filter(|(_, e)| matches(e, &filters)).count() as u64
            };
            (None, filters, Some(total), 0)
        }
    };
    let total = known_total.unwrap_or(0);
    if paging == Paging::EndListing {
        let body = format!("{{\"items\":[],\"totalItems\":{total},\"pageInfo\":{{}}}}");
        return ok_json(body.into_bytes());
    }
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
    // A looping server hands back the first page's cursor (or the one it was given).
    let looped = (paging == Paging::CursorLoop)
        .then(|| {
            first_page_cursor(catalog, &filters, limit, total)
                .or_else(|| get("cursor").map(str::to_owned))
        })
        .flatten();
    let next = match (more, last) {
        (true, Some(last)) => Some(Cursor {
            after: last.clone(),
            filters,
            total,
            lap,
        }),
        // The end of the catalog: an endless pager starts over with a cursor never seen.
        _ if paging == Paging::Endless => Some(Cursor {
            after: String::new(),
            filters,
            total,
            lap: lap.saturating_add(1),
        }),
        _ => None,
    };
    let next = looped.or_else(|| next.map(|c| c.encode()));
    if let Some(encoded) = next {
        let _ = write!(out, "\"nextCursor\":\"{encoded}\"");
    }
    out.extend_from_slice(b"}}");
    ok_json(out)
}

/// The cursor the first page of a listing with these filters hands out (none if the listing
/// fits on one page).
fn first_page_cursor(
    catalog: &Catalog,
    filters: &[String],
    limit: usize,
    total: u64,
) -> Option<String> {
    let mut listed = catalog.iter().filter(|(_, e)| matches(e, filters));
    let (last, _) = listed.nth(limit.checked_sub(1)?)?;
    listed.next()?;
    Some(
        Cursor {
            after: last.clone(),
            filters: filters.to_vec(),
            total,
            lap: 0,
        }
        .encode(),
    )
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
            Paging::Normal,
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
                Paging::Normal,
            ));
            pages += 1;
            assert!(pages < 20);
        }
        assert_eq!(pages, 6);
        assert_eq!(seen.len(), 53);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 53);
        assert_eq!(
            by_query(&c, &q(&[("cursor", "zz")]), "/", Paging::Normal).status,
            400
        );
        assert_eq!(
            by_query(&c, &q(&[("totalItems", "maybe")]), "/", Paging::Normal).status,
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
            Paging::Normal,
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

    fn next_cursor(page: &Value) -> Option<String> {
        page["pageInfo"]["nextCursor"].as_str().map(str::to_owned)
    }

    fn page(c: &Catalog, cursor: Option<&str>, paging: Paging) -> Value {
        let mut query = vec![("limit", "10")];
        if let Some(cur) = cursor {
            query.push(("cursor", cur));
        }
        parse(&by_query(c, &q(&query), "/", paging))
    }

    #[test]
    fn hostile_paging_loops_never_ends_or_ends_early() {
        let c = Catalog::generate(35);
        // Loop: a cursor page hands back the first page's cursor.
        let first = page(&c, None, Paging::Normal);
        let a = next_cursor(&first).unwrap_or_default();
        let b = next_cursor(&page(&c, Some(&a), Paging::Normal)).unwrap_or_default();
        assert_ne!(a, b);
        let looped = page(&c, Some(&b), Paging::CursorLoop);
        assert_eq!(looped["items"].as_array().map(Vec::len), Some(10));
        assert_eq!(next_cursor(&looped).as_deref(), Some(a.as_str()));
        // Even on the last page.
        let c_cur = next_cursor(&page(&c, Some(&b), Paging::Normal)).unwrap_or_default();
        let last = page(&c, Some(&c_cur), Paging::CursorLoop);
        assert_eq!(last["items"].as_array().map(Vec::len), Some(5));
        assert_eq!(next_cursor(&last).as_deref(), Some(a.as_str()));

        // Endless: past the last page, a new cursor that starts over; no cursor repeats.
        let mut seen = std::collections::HashSet::new();
        let mut cursor: Option<String> = None;
        let mut names = Vec::new();
        for _ in 0..12 {
            let p = page(&c, cursor.as_deref(), Paging::Endless);
            for item in p["items"].as_array().cloned().unwrap_or_default() {
                names.push(item["metadata"]["name"].as_str().unwrap_or("").to_owned());
            }
            cursor = next_cursor(&p);
            let Some(cur) = &cursor else {
                panic!("an endless listing always has a next cursor");
            };
            assert!(seen.insert(cur.clone()), "cursor repeated");
        }
        assert_eq!(names.len(), 3 * 35, "three laps of four pages");
        assert_eq!(names[0], names[35]);

        // End: no items, no cursor; a first page says there is nothing at all.
        let ended = page(&c, Some(&a), Paging::EndListing);
        assert_eq!(ended["items"], json!([]));
        assert_eq!(next_cursor(&ended), None);
        assert_eq!(ended["totalItems"], 35);
        let none = page(&c, None, Paging::EndListing);
        assert_eq!(none["items"], json!([]));
        assert_eq!(none["totalItems"], 0);
        assert_eq!(next_cursor(&none), None);
    }
}
