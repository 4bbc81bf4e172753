//! The PDF's font: DejaVu Sans from Debian's `fonts-dejavu-core` (installed by `make system`),
//! read once from `PDF_FONT_DIR` (default `/usr/share/fonts/truetype/dejavu`), measured with
//! skrifa for the layout and handed to krilla, which embeds the subset each file uses; and the
//! wrapping of text to a width.
#![allow(clippy::disallowed_types)]

use std::sync::OnceLock;

use krilla::text::Font;
use skrifa::{
    FontRef, MetadataProvider,
    instance::{LocationRef, Size},
};

/// One font face: its bytes (for measuring) and krilla's handle (for drawing).
pub(super) struct Face {
    data: &'static [u8],
    pub(super) font: Font,
    units_per_em: f32,
}

pub(super) struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

impl Face {
    fn load(path: &std::path::Path) -> Result<Face, String> {
        let bytes = std::fs::read(path)
            .map_err(|error| format!("cannot read the PDF font {}: {error}", path.display()))?;
        // Read once per process and kept for its lifetime: the faces are shared by every file.
        let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let parsed = FontRef::new(data).map_err(|error| format!("{}: {error}", path.display()))?;
        let units_per_em = f32::from(
            parsed
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let font =
            Font::new(data.into(), 0).ok_or_else(|| format!("{}: not a font", path.display()))?;
        Ok(Face {
            data,
            font,
            units_per_em,
        })
    }

    /// How wide `text` is at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::new(self.data) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 = text
            .chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|glyph| metrics.advance_width(glyph))
                    .unwrap_or(self.units_per_em / 2.0)
            })
            .sum();
        units / self.units_per_em * size
    }
}

/// The two faces, loaded on first use.
pub(super) fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let dir = std::env::var("PDF_FONT_DIR")
                .unwrap_or_else(|_| "/usr/share/fonts/truetype/dejavu".to_owned());
            let dir = std::path::Path::new(&dir);
            Ok(Fonts {
                regular: Face::load(&dir.join("DejaVuSans.ttf"))?,
                bold: Face::load(&dir.join("DejaVuSans-Bold.ttf"))?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// `text` in lines no wider than `width`: at spaces where possible, inside a word where not.
pub(super) fn wrap(face: &Face, text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width + 0.01 {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width + 0.01 && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(c);
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
        lines.push(line);
    }
    lines
}
