//! [`Shared`]: a value shared between renders (a prop, a hook's dependency) that is equal
//! when it is the same allocation, so a component given the same big value again is not
//! re-rendered and nothing is compared element by element.

use std::rc::Rc;

pub struct Shared<T>(pub Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Self(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<Rc<T>> for Shared<T> {
    fn from(rc: Rc<T>) -> Self {
        Self(rc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_the_same_allocation() {
        let a = Shared::new(vec![1, 2]);
        assert!(a == a.clone());
        assert!(
            a != Shared::new(vec![1, 2]),
            "equal values, not the same one"
        );
        assert_eq!(a.len(), 2);
    }
}
