//! Where each original memory lives in the single memory.

use super::scan::ModuleInfo;
use super::{Options, DEFAULT_SLOT_PAGES, MAX_PAGES, PAGE};
use anyhow::{bail, Result};

#[derive(Clone, Debug)]
pub struct Slot {
    /// The original memory index.
    pub memory: u32,
    /// First page of the slot in the single memory.
    pub base_pages: u64,
    /// Pages reserved: the memory's maximum, the most it can ever have.
    pub pages: u64,
    pub min_pages: u64,
    /// The declared maximum, if any (the slot may be all that is left).
    pub declared_max: Option<u64>,
    /// The top slot's accesses are checked by the engine itself.
    pub top: bool,
    pub shared: bool,
    pub import: Option<(String, String)>,
    pub exports: Vec<String>,
}

impl Slot {
    pub fn base(&self) -> u64 {
        self.base_pages * PAGE
    }
    pub fn bytes(&self) -> u64 {
        self.pages * PAGE
    }
    pub fn min_bytes(&self) -> u64 {
        self.min_pages * PAGE
    }
}

#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// By original memory index.
    pub slots: Vec<Slot>,
    /// The single memory's initial and maximum pages.
    pub initial_pages: u64,
    pub maximum_pages: Option<u64>,
    pub shared: bool,
    /// Where the sizes of shared lower memories live (8 bytes each, the
    /// bytes grown past the minimum), when any memory is shared: threads
    /// must agree on them, so they are in the memory, not in per-instance
    /// globals.
    pub header: Option<u64>,
}

impl Layout {
    pub fn top(&self) -> &Slot {
        self.slots.iter().find(|s| s.top).expect("a layout has a top slot")
    }
    /// The header cell holding the size in bytes of lower memory `memory`.
    pub fn size_cell(&self, memory: u32) -> Option<u64> {
        let slot = &self.slots[memory as usize];
        (slot.shared && !slot.top).then(|| self.header.unwrap() + 8 * u64::from(memory))
    }
}

pub fn place(info: &ModuleInfo, options: &Options) -> Result<Layout> {
    let name = |m: u32| describe(info, m);
    for (m, memory) in info.memories.iter().enumerate() {
        let m = m as u32;
        if memory.ty.memory64 {
            bail!("{} is a 64-bit memory; the lowering writes one 32-bit memory and cannot keep its addresses", name(m));
        }
        if memory.ty.page_size_log2.is_some_and(|p| p != 16) {
            bail!("{} has a custom page size; a single memory has one page size, so its memory.size and memory.grow could not be kept", name(m));
        }
        if memory.import.is_some() && memory.ty.shared && info.memories.len() > 1 {
            bail!(
                "{} is an imported shared memory: other instances (threads) share it, but after lowering it would be part of this instance's own memory, so they would no longer see its writes",
                name(m)
            );
        }
        if memory.import.is_some() && memory.active_data && info.memories.len() > 1 {
            bail!(
                "{} is imported and the module writes data segments into it at instantiation; after lowering the host's contents are copied in after instantiation and would overwrite them",
                name(m)
            );
        }
    }
    let count = info.memories.len() as u32;
    if count == 0 {
        return Ok(Layout::default());
    }
    // WASI hosts read the program's pointers from the exported memory at
    // their own value, so the memory WASI uses stays at address 0.
    let pinned = info.wasi.then_some(0u32);
    let top = match options.top {
        Some(m) if m >= count => bail!("--top={m}: the module has {count} memories"),
        Some(m) if Some(m) == pinned => bail!("--top={m}: memory {m} is the one WASI uses, which stays at address 0"),
        Some(m) => m,
        None => (0..count)
            .filter(|&m| Some(m) != pinned || count == 1)
            .max_by_key(|&m| (info.memories[m as usize].checked_uses, info.memories[m as usize].uses, std::cmp::Reverse(m)))
            .unwrap(),
    };
    let shared = info.memories.iter().any(|m| m.ty.shared);
    // The lower slots: the pinned memory first, then the rest by index.
    let order: Vec<u32> = pinned.into_iter().chain((0..count).filter(|&m| Some(m) != pinned)).filter(|&m| m != top).collect();

    let mut slots: Vec<Option<Slot>> = vec![None; count as usize];
    let mut next = 0u64;
    let slot_of = |m: u32, base_pages: u64, pages: u64, top: bool| {
        let memory = &info.memories[m as usize];
        Slot {
            memory: m,
            base_pages,
            pages,
            min_pages: memory.ty.initial,
            declared_max: memory.ty.maximum,
            top,
            shared: memory.ty.shared,
            import: memory.import.clone(),
            exports: memory.exports.clone(),
        }
    };
    for m in order {
        let memory = &info.memories[m as usize];
        let pages = match memory.ty.maximum {
            Some(max) => max,
            None => options.slots.get(&m).copied().or(options.default_slot_pages).unwrap_or(DEFAULT_SLOT_PAGES).max(memory.ty.initial),
        };
        slots[m as usize] = Some(slot_of(m, next, pages, false));
        next += pages;
    }
    let header = if shared && count > 1 {
        let at = next;
        next += 1;
        Some(at * PAGE)
    } else {
        None
    };
    let top_memory = &info.memories[top as usize];
    // The single memory must stay below 4 GiB, so that an address of
    // 2^32 - 1 is always out of bounds (the checks rely on it).
    let room = (MAX_PAGES - 1).checked_sub(next).filter(|&room| room >= top_memory.ty.initial);
    let Some(room) = room else {
        bail!(
            "the memories' slots need {} pages before {} and its {} initial pages, more than the 65536 pages of one 32-bit memory; give memories without a maximum smaller slots (--slot=INDEX:PAGES)",
            next,
            name(top),
            top_memory.ty.initial
        );
    };
    let top_pages = match top_memory.ty.maximum {
        Some(max) if max > room => bail!(
            "{} declares a maximum of {max} pages, but only {room} are left after the other memories' slots; give memories without a maximum smaller slots (--slot=INDEX:PAGES)",
            name(top)
        ),
        Some(max) => max,
        None => room,
    };
    slots[top as usize] = Some(slot_of(top, next, top_pages, true));
    let initial_pages = next + top_memory.ty.initial;
    let maximum_pages = (top_memory.ty.maximum.is_some() || shared).then_some(next + top_pages);
    Ok(Layout { slots: slots.into_iter().map(Option::unwrap).collect(), initial_pages, maximum_pages, shared, header })
}

/// "memory 2 (imported as env.user)" or "memory 1 (exported as pixels)".
pub fn describe(info: &ModuleInfo, m: u32) -> String {
    let memory = &info.memories[m as usize];
    match (&memory.import, memory.exports.first()) {
        (Some((module, field)), _) => format!("memory {m} (imported as {module}.{field})"),
        (None, Some(export)) => format!("memory {m} (exported as {export})"),
        (None, None) => format!("memory {m}"),
    }
}
