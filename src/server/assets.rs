//! The bundle's file names. The build names the JS, WASM and CSS after their content
//! (`billing-reports.<hash>.wasm`) and lists the hashes in `hash.txt` beside the binary. A file
//! so named never changes: browsers may keep it for a year without asking again, and a new
//! release's pages simply name new files. Without the list (the tests, a build without
//! hashing) the names are plain, and browsers check those files again on every use.
//!
//! A split build (`--split`, see `ui::routes`) also writes the pages loaded on demand, and the
//! script that loads them, into the same folder, each named after its content as well; the
//! bundle's script names them, so the pages never do.

use std::path::Path;

use leptos::config::LeptosOptions;

/// What a browser may do with a bundle file named after its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The request paths of the bundle files: those named after their content, and the script and
/// WebAssembly the pages load.
#[derive(Clone, Debug)]
pub struct Assets {
    immutable: Vec<String>,
    /// The bundle's script, as the pages import it.
    pub script: String,
    /// The bundle's WebAssembly, as the script fetches it.
    pub wasm: String,
    /// The bundle's stylesheet, as the pages link it.
    pub stylesheet: String,
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
            return Self::plain(options);
        };
        let mut assets = Self::from_list(&list, &options.site_pkg_dir, &options.output_name);
        let site_root = Path::new(options.site_root.as_ref());
        options.hash_files = assets.all_in(site_root);
        if options.hash_files {
            assets.add_content_named(site_root, &options.site_pkg_dir);
            assets
        } else {
            tracing::warn!(
                site = %options.site_root,
                "the build's list of hashed files does not match the site folder; serving plain names"
            );
            Self::plain(options)
        }
    }

    /// The bundle under its plain names (a build without hashing, the tests).
    pub fn plain(options: &LeptosOptions) -> Self {
        Self::from_list("", &options.site_pkg_dir, &options.output_name)
    }

    /// The paths named by a hash list (`js: <hash>` and so on, one per line).
    /// Without a hash for the script, the WebAssembly or the stylesheet, the pages name its
    /// plain file.
    pub fn from_list(list: &str, pkg_dir: &str, output_name: &str) -> Self {
        let pkg_dir = pkg_dir.trim_matches('/');
        let immutable: Vec<String> = list
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind.trim(), hash.trim()))
            .filter(|(kind, hash)| matches!(*kind, "js" | "wasm" | "css") && is_hash(hash))
            .map(|(kind, hash)| format!("/{pkg_dir}/{output_name}.{hash}.{kind}"))
            .collect();
        let named = |kind: &str| {
            let suffix = format!(".{kind}");
            immutable
                .iter()
                .find(|path| path.ends_with(&suffix))
                .cloned()
                .unwrap_or_else(|| format!("/{pkg_dir}/{output_name}{suffix}"))
        };
        let (script, wasm, stylesheet) = (named("js"), named("wasm"), named("css"));
        Self {
            immutable,
            script,
            wasm,
            stylesheet,
        }
    }

    /// The page's script that loads the bundle and takes the page over, once the page has
    /// loaded and the browser is idle (two seconds at most). Until then the page is its HTML:
    /// links and plain forms work, and the bundle's download does not compete with the page's
    /// own first paint on a slow network (hence no preload hints). Starting the WebAssembly and
    /// taking the page over are two tasks, so a tap in between is answered without waiting for
    /// both.
    pub fn loader(&self) -> String {
        format!(
            "((script, wasm) => {{ \
               const run = () => import(script).then((bundle) => \
                 bundle.default({{ module_or_path: wasm }}) \
                   .then(() => setTimeout(() => bundle.hydrate()))); \
               const idle = () => \"requestIdleCallback\" in window \
                 ? requestIdleCallback(run, {{ timeout: 2000 }}) : setTimeout(run); \
               if (document.readyState === \"complete\") idle(); \
               else addEventListener(\"load\", idle, {{ once: true }}); \
             }})({:?}, {:?});",
            self.script, self.wasm
        )
    }

    /// Adds the other files of the bundle's folder named after their content
    /// (`<name>.<hash>.<extension>`): the pages loaded on demand and the script that loads them.
    fn add_content_named(&mut self, site_root: &Path, pkg_dir: &str) {
        let pkg_dir = pkg_dir.trim_matches('/');
        let Ok(entries) = std::fs::read_dir(site_root.join(pkg_dir)) else {
            return;
        };
        for entry in entries.flatten() {
            let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
            let name = entry.file_name();
            let Some(name) = name
                .to_str()
                .filter(|name| is_file && is_content_named(name))
            else {
                continue;
            };
            let path = format!("/{pkg_dir}/{name}");
            if !self.immutable.contains(&path) {
                self.immutable.push(path);
            }
        }
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

/// Whether a file name carries its content's hash as the build writes it:
/// `<name>.<hash>.<extension>`, the hash an MD5 in unpadded URL-safe base64 (22 characters).
/// The precompressed copies (`.gz`, `.br`) are sent under the name they compress.
fn is_content_named(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !stem.is_empty()
        && matches!(extension, "js" | "wasm" | "css" | "json")
        && hash.len() == 22
        && is_hash(hash)
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
        assert_eq!(assets.script, "/pkg/billing-reports.AbC_1-x.js");
        assert_eq!(assets.wasm, "/pkg/billing-reports.Zz9.wasm");
        assert_eq!(assets.stylesheet, "/pkg/billing-reports.q.css");
        let loader = assets.loader();
        assert!(
            loader.ends_with(
                r#"("/pkg/billing-reports.AbC_1-x.js", "/pkg/billing-reports.Zz9.wasm");"#
            )
        );
        // Inside <script>, nothing the HTML parser would read as markup or an entity.
        assert!(!loader.contains(['<', '&']), "{loader}");
    }

    #[test]
    fn a_split_builds_files_named_after_their_content_are_kept_a_year() {
        let site = std::env::temp_dir().join(format!("assets-{}", std::process::id()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        let files = [
            "billing-reports.AbC_1-x.js",
            "billing-reports.Zz9.wasm",
            "billing-reports.q.css",
            "split_report_route_123.LtTMoGvkH2ZaC6QYm1PE5w.wasm",
            "split_report_route_123.LtTMoGvkH2ZaC6QYm1PE5w.wasm.br",
            "__wasm_split.0123456789abcdefABCD-_.js",
            "plain.wasm",
            "short.abc.wasm",
        ];
        for file in files {
            std::fs::write(pkg.join(file), b"x").unwrap();
        }
        let mut options = LeptosOptions::builder()
            .output_name("billing-reports")
            .build();
        options.site_root = site.to_string_lossy().into_owned().into();
        let list = "js: AbC_1-x\nwasm: Zz9\ncss: q\n";
        let mut assets = Assets::from_list(list, &options.site_pkg_dir, &options.output_name);
        assert!(assets.all_in(&site));
        assets.add_content_named(&site, &options.site_pkg_dir);
        std::fs::remove_dir_all(&site).unwrap();
        assert!(assets.is_immutable("/pkg/split_report_route_123.LtTMoGvkH2ZaC6QYm1PE5w.wasm"));
        assert!(assets.is_immutable("/pkg/__wasm_split.0123456789abcdefABCD-_.js"));
        assert!(assets.is_immutable("/pkg/billing-reports.Zz9.wasm"));
        assert!(!assets.is_immutable("/pkg/plain.wasm"));
        assert!(!assets.is_immutable("/pkg/short.abc.wasm"));
        assert!(!assets.is_immutable("/pkg/snippets"));
        assert!(!assets.is_immutable("/pkg/split_report_route_123.LtTMoGvkH2ZaC6QYm1PE5w.wasm.br"));
        assert_eq!(assets.immutable.len(), 5);
    }

    #[test]
    fn without_a_hash_the_pages_load_the_plain_names() {
        let plain = Assets::from_list("", "/pkg/", "billing-reports");
        assert!(!plain.is_immutable("/pkg/billing-reports.Zz9.wasm"));
        assert_eq!(plain.script, "/pkg/billing-reports.js");
        assert_eq!(plain.wasm, "/pkg/billing-reports.wasm");
        assert_eq!(plain.stylesheet, "/pkg/billing-reports.css");
        let css_only = Assets::from_list("css: q\n", "pkg", "billing-reports");
        assert_eq!(css_only.wasm, "/pkg/billing-reports.wasm");
        assert_eq!(css_only.stylesheet, "/pkg/billing-reports.q.css");
    }
}
