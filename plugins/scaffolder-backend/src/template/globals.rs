//! nunjitsu's `cycler(…items)` and `joiner(sep = ",")` globals, and which values count as
//! callable (functions cannot be tested with `defined`/`undefined` there: an error).

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use minijinja::value::{Object, ObjectRepr, Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};

use super::regex_literal::JsRegex;

/// `cycler('a', 'b')`: `.next()` returns the items in turn, `.current` the last one
/// returned, `.reset()` starts over.
#[derive(Debug)]
struct Cycler {
    items: Vec<Value>,
    index: Mutex<Option<usize>>,
}

impl Cycler {
    fn current(&self) -> Value {
        let index = self.index.lock().map(|i| *i).unwrap_or(None);
        index
            .and_then(|i| self.items.get(i).cloned())
            .unwrap_or(Value::UNDEFINED)
    }
}

impl Object for Cycler {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        (key.as_str() == Some("current")).then(|| self.current())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        _args: &[Value],
    ) -> Result<Value, Error> {
        let mut index = self
            .index
            .lock()
            .map_err(|_| Error::new(ErrorKind::InvalidOperation, "cycler poisoned"))?;
        match method {
            "next" => {
                if self.items.is_empty() {
                    return Ok(Value::UNDEFINED);
                }
                let next = index.map_or(0, |i| (i + 1) % self.items.len());
                *index = Some(next);
                Ok(self.items[next].clone())
            }
            "reset" => {
                *index = None;
                Ok(Value::UNDEFINED)
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }
}

/// `joiner('/')`: calling it gives `""` the first time, the separator afterwards.
#[derive(Debug)]
struct Joiner {
    separator: String,
    used: AtomicBool,
}

impl Object for Joiner {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn call(self: &Arc<Self>, _state: &mut State<'_, '_>, _args: &[Value]) -> Result<Value, Error> {
        if self.used.swap(true, Ordering::SeqCst) {
            Ok(Value::from(self.separator.clone()))
        } else {
            Ok(Value::from(""))
        }
    }
}

/// A function (a global like `range`, a macro, a joiner); not a regex literal or a cycler.
pub fn is_callable(v: &Value) -> bool {
    v.kind() == ValueKind::Plain
        && v.downcast_object_ref::<JsRegex>().is_none()
        && v.downcast_object_ref::<Cycler>().is_none()
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("cycler", |items: Rest<Value>| {
        Value::from_object(Cycler {
            items: items.to_vec(),
            index: Mutex::new(None),
        })
    });
    env.add_function("joiner", |separator: Option<Value>| {
        let separator = separator
            .filter(|s| !s.is_undefined())
            .map_or_else(|| ",".to_string(), |s| super::js::to_display_string(&s));
        Value::from_object(Joiner {
            separator,
            used: AtomicBool::new(false),
        })
    });
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> Result<String, String> {
        Templater::new(&TemplaterOptions::default())
            .render(src, &json!({"name": "x"}))
            .map_err(|e| e.message)
    }

    #[test]
    fn cycler_and_joiner() {
        assert_eq!(
            r("{% set c = cycler('odd', 'even') %}${{ c.next() }}-${{ c.next() }}-${{ c.next() }} {% set j = joiner('/') %}{% for x in [1, 2, 3] %}${{ j() }}${{ x }}{% endfor %}").unwrap(),
            "odd-even-odd 1/2/3"
        );
        assert_eq!(
            r("{% set c = cycler('a','b') %}${{ c.next() }}${{ c.current }}${{ c.next() }}${{ c.next() }}${{ c.reset() }}${{ c.next() }}").unwrap(),
            "aabaa"
        );
        assert_eq!(r("{% set c = cycler() %}[${{ c.next() }}]").unwrap(), "[]");
        assert_eq!(
            r("{% set j = joiner() %}${{ j() }}${{ j() }}${{ j() }}").unwrap(),
            ",,"
        );
    }

    #[test]
    fn callables_cannot_be_tested_for_definedness() {
        assert!(r("${{ cycler is defined }}").is_err());
        assert!(r("${{ range is undefined }}").is_err());
        assert_eq!(r("${{ r/a/ is defined }}").unwrap(), "true");
        assert_eq!(r("${{ cycler is callable }}").unwrap(), "true");
        assert_eq!(r("${{ name is callable }}").unwrap(), "false");
    }
}
