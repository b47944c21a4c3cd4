//! Where the pieces mmcc runs live: clang-19, the mmcc clang plugin, the
//! patched wasm-ld, the runtime headers and the wasm32-wasip1 sysroot.
//!
//! mmcc runs from its source tree: the root is found from `MMCC_ROOT` or by
//! walking up from the executable (`target/release/mmcc`) to the folder
//! holding `runtime/include/mmcc.h`. Built pieces live in `<root>/.build/`
//! (made by `./install.sh`).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Debian's wasi-libc and libc++ for wasm32 use the multiarch name
/// `wasm32-wasi` (the same ABI as wasip1).
const DEBIAN_WASI_INCLUDE: &str = "/usr/include/wasm32-wasi";
const DEBIAN_WASI_LIB: &str = "/usr/lib/wasm32-wasi";
/// Debian's compiler-rt for wasm32 (libclang-rt-19-dev-wasm32), in the
/// layout clang uses for the `wasm32-wasi` triple.
pub const DEBIAN_BUILTINS: &str = "/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a";
pub const TRIPLE: &str = "wasm32-wasip1";

#[derive(Clone, Debug)]
pub struct Toolchain {
    pub root: PathBuf,
    pub clang: PathBuf,
    pub clangxx: PathBuf,
    pub plugin: PathBuf,
    pub wasm_ld: PathBuf,
    pub runtime_include: PathBuf,
    /// mmcc's additions to libc++ (searched before libc++'s own headers in
    /// C++): what the standard algorithms, span and construct_at need for
    /// pointers into memory N.
    pub runtime_libcxx: PathBuf,
    pub sysroot: PathBuf,
    /// A clang resource folder for the link step: clang looks for
    /// compiler-rt under `<resource>/lib/wasm32-unknown-wasip1/`.
    pub link_resource_dir: PathBuf,
}

impl Toolchain {
    /// Finds every piece, with one clear line per missing piece.
    pub fn locate() -> Result<Toolchain> {
        let root = find_root()?;
        let build = root.join(".build");
        let clang = find_tool("MMCC_CLANG", "clang-19")
            .context("clang-19 is not installed (Debian package clang-19; or MMCC_CLANG names a missing file); run ./install.sh")?;
        let clangxx = find_tool("MMCC_CLANGXX", "clang++-19")
            .context("clang++-19 is not installed (Debian package clang-19); run ./install.sh")?;
        let plugin = build.join("plugin/libmmcc-plugin.so");
        if !plugin.is_file() {
            bail!("the mmcc clang plugin is not built ({}); run ./install.sh", plugin.display());
        }
        let wasm_ld = std::env::var_os("MMCC_WASM_LD").map(PathBuf::from).unwrap_or_else(|| build.join("lld/bin/wasm-ld"));
        let runtime_include = root.join("runtime/include");
        let runtime_libcxx = root.join("runtime/libcxx");
        let sysroot = build.join("sysroot");
        let link_resource_dir = build.join("clang-resource");
        let toolchain = Toolchain { root, clang, clangxx, plugin, wasm_ld, runtime_include, runtime_libcxx, sysroot, link_resource_dir };
        toolchain.ensure_sysroot()?;
        Ok(toolchain)
    }

    /// The patched linker, checked only when linking.
    pub fn linker(&self) -> Result<&Path> {
        if !self.wasm_ld.is_file() {
            bail!("the patched wasm-ld is not built ({}); run ./install.sh", self.wasm_ld.display());
        }
        Ok(&self.wasm_ld)
    }

    /// A private wasm32-wasip1 sysroot made of links to Debian's wasi-libc
    /// and libc++ (clang looks for `<sysroot>/include/wasm32-wasip1` and
    /// `<sysroot>/lib/wasm32-wasip1`). Using it keeps the host's
    /// /usr/include out of wasm compilations.
    fn ensure_sysroot(&self) -> Result<()> {
        if !Path::new(DEBIAN_WASI_INCLUDE).join("stdio.h").is_file() {
            bail!("wasi-libc is not installed ({DEBIAN_WASI_INCLUDE}/stdio.h is missing; Debian package wasi-libc); run ./install.sh");
        }
        if !Path::new(DEBIAN_BUILTINS).is_file() {
            bail!("compiler-rt for wasm32 is not installed ({DEBIAN_BUILTINS}; Debian package libclang-rt-19-dev-wasm32); run ./install.sh");
        }
        let include = self.sysroot.join("include").join(TRIPLE);
        let lib = self.sysroot.join("lib").join(TRIPLE);
        let builtins_dir = self.link_resource_dir.join("lib/wasm32-unknown-wasip1");
        let builtins = builtins_dir.join("libclang_rt.builtins.a");
        if include.exists() && lib.exists() && builtins.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(self.sysroot.join("include"))?;
        std::fs::create_dir_all(self.sysroot.join("lib"))?;
        std::fs::create_dir_all(&builtins_dir)?;
        for (link, target) in [(&include, DEBIAN_WASI_INCLUDE), (&lib, DEBIAN_WASI_LIB), (&builtins, DEBIAN_BUILTINS)] {
            ensure_link(link, Path::new(target))?;
        }
        Ok(())
    }
}

/// Makes `link` point to `target`. Several mmcc processes (parallel tests,
/// `make -j`) may create the same link at once on a fresh clone; finding it
/// already made, with the right target, is success.
fn ensure_link(link: &Path, target: &Path) -> Result<()> {
    match std::os::unix::fs::symlink(target, link) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && std::fs::read_link(link).is_ok_and(|t| t == target) => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create the sysroot link {} -> {}", link.display(), target.display())),
    }
}

fn find_root() -> Result<PathBuf> {
    if let Some(root) = std::env::var_os("MMCC_ROOT") {
        let root = PathBuf::from(root);
        if root.join("runtime/include/mmcc.h").is_file() {
            return Ok(root);
        }
        bail!("MMCC_ROOT={} does not hold runtime/include/mmcc.h", root.display());
    }
    let exe = std::env::current_exe().context("cannot find the mmcc executable's path")?;
    let mut dir = exe.parent();
    while let Some(d) = dir {
        if d.join("runtime/include/mmcc.h").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    bail!("cannot find mmcc's files (runtime/include/mmcc.h) above {}; set MMCC_ROOT to the mmcc source folder", exe.display())
}

fn find_tool(env: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_made_by_another_process_is_success_but_a_wrong_one_is_an_error() {
        let dir = std::env::temp_dir().join(format!("mmcc-link-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join("include");
        ensure_link(&link, Path::new("/usr/include")).unwrap();
        ensure_link(&link, Path::new("/usr/include")).unwrap();
        let err = ensure_link(&link, Path::new("/usr/lib")).unwrap_err();
        assert!(format!("{err:#}").contains("cannot create the sysroot link"), "{err:#}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
