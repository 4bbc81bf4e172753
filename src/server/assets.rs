//! The bundle's file names. The build names the JS, WASM and CSS after their content
//! (`billing-reports.<hash>.wasm`) and lists the hashes in `hash.txt` beside the binary. A file
//! so named never changes: browsers may keep it for a year without asking again, and a new
//! release's pages simply name new files. Without the list (the tests, a build without
//! hashing) the names are plain, and browsers check those files again on every use.

use std::path::Path;

use leptos::config::LeptosOptions;

/// What a browser may do with a bundle file named after its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The request paths of the bundle files named after their content.
#[derive(Clone, Debug, Default)]
pub struct Assets {
    immutable: Vec<String>,
}

impl Assets {
    /// Reads the build's list of hashes beside the running binary; when there is one and the
    /// site folder holds the files it names, the pages name the hashed files
    /// (`options.hash_files`). A list that does not match the site (left by an older build) is
    /// ignored, with a warning.
    pub fn beside_binary(options: &mut LeptosOptions) -> Self {
        let list = std::env::current_exe().ok().and_then(|exe| {
            let path = exe.parent()?.join(options.hash_file.as_ref());
            std::fs::read_to_string(path).ok()
        });
        let Some(list) = list else {
            options.hash_files = false;
            return Self::default();
        };
        let assets = Self::from_list(&list, &options.site_pkg_dir, &options.output_name);
        options.hash_files = assets.all_in(Path::new(options.site_root.as_ref()));
        if options.hash_files {
            assets
        } else {
            tracing::warn!(
                site = %options.site_root,
                "the build's list of hashed files does not match the site folder; serving plain names"
            );
            Self::default()
        }
    }

    /// The paths named by a hash list (`js: <hash>` and so on, one per line).
    pub fn from_list(list: &str, pkg_dir: &str, output_name: &str) -> Self {
        let pkg_dir = pkg_dir.trim_matches('/');
        let immutable = list
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind.trim(), hash.trim()))
            .filter(|(kind, hash)| matches!(*kind, "js" | "wasm" | "css") && is_hash(hash))
            .map(|(kind, hash)| format!("/{pkg_dir}/{output_name}.{hash}.{kind}"))
            .collect();
        Self { immutable }
    }

    /// Whether the file at this request path is named after its content.
    pub fn is_immutable(&self, path: &str) -> bool {
        self.immutable.iter().any(|named| named == path)
    }

    /// Whether the list names the three files and each is in the site folder.
    fn all_in(&self, site_root: &Path) -> bool {
        self.immutable.len() == 3
            && self
                .immutable
                .iter()
                .all(|path| site_root.join(path.trim_start_matches('/')).is_file())
    }
}

/// A content hash as the build writes it (URL-safe base64), never a path.
fn is_hash(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_three_bundle_files_and_nothing_else() {
        let list = "js: AbC_1-x\nwasm: Zz9\ncss: q\nmanifest: m\nwasm: ../etc\n";
        let assets = Assets::from_list(list, "pkg", "billing-reports");
        assert!(assets.is_immutable("/pkg/billing-reports.AbC_1-x.js"));
        assert!(assets.is_immutable("/pkg/billing-reports.Zz9.wasm"));
        assert!(assets.is_immutable("/pkg/billing-reports.q.css"));
        assert!(!assets.is_immutable("/pkg/billing-reports.js"));
        assert!(!assets.is_immutable("/pkg/billing-reports.m.manifest"));
        assert!(!assets.is_immutable("/pkg/billing-reports.../etc.wasm"));
        assert!(!Assets::default().is_immutable("/pkg/billing-reports.Zz9.wasm"));
    }
}
