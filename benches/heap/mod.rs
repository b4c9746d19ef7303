//! Heap accounting shared by the benches: counts the allocations of threads that opted in
//! (the client's thread), so an in-process server's own memory is left out. A bench installs
//! it with `#[global_allocator] static ALLOCATOR: heap::Counting = heap::Counting;`.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// The allocator: the system's, with counters.
pub struct Counting;

static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static TRACKED: Cell<bool> = const { Cell::new(false) };
}

fn tracked() -> bool {
    TRACKED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if tracked() {
            let now = CURRENT.fetch_add(layout.size() as isize, Ordering::Relaxed)
                + layout.size() as isize;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if tracked() {
            CURRENT.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if tracked() {
            let delta = new_size as isize - layout.size() as isize;
            let now = CURRENT.fetch_add(delta, Ordering::Relaxed) + delta;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` with this thread's allocations counted; returns its result and the live bytes it
/// left behind.
pub fn retained_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    TRACKED.with(|t| t.set(true));
    let start = CURRENT.load(Ordering::Relaxed);
    let out = f();
    let kept = CURRENT.load(Ordering::Relaxed) - start;
    TRACKED.with(|t| t.set(false));
    (out, kept.max(0) as usize)
}

/// Runs `f` with this thread's allocations counted; returns its result and the peak of live
/// bytes above where it started.
pub fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    TRACKED.with(|t| t.set(true));
    let start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed) - start;
    TRACKED.with(|t| t.set(false));
    (out, peak.max(0) as usize)
}
