//! A nominee's share kit as files: the QR code of its page (SVG and PNG, for posters) and
//! the "Vote for us" badge (SVG) that a team puts on its own site, and the share card (PNG,
//! drawn from SVG) that a link to the nominee shows where it is shared. Public like the nominee
//! page itself, read through the same per-node cache (made-up ids fill nothing), and
//! without a vote count at any phase.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use std::collections::HashMap;
use uuid::Uuid;
use wsis::db::{RequestContext, Services};
use wsis::share::{badge_svg, nominee_url};
use wsis::AppError;

/// Modules of quiet zone around the code, as the standard asks.
const QUIET: usize = 4;

/// The code's modules, row by row, `true` for dark, with its width.
pub fn qr_modules(text: &str) -> Result<(usize, Vec<bool>), AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| AppError::Invalid("The address is too long for a QR code.".into()))?;
    let w = code.width();
    Ok((w, code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect()))
}

/// The QR code as SVG: one path of unit squares, scaled by the viewer.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let (w, dark) = qr_modules(text)?;
    let size = w + 2 * QUIET;
    let mut path = String::new();
    for (i, d) in dark.iter().enumerate() {
        if *d {
            path.push_str(&format!("M{} {}h1v1h-1z", i % w + QUIET, i / w + QUIET));
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{px}" height="{px}" shape-rendering="crispEdges" role="img" aria-label="QR code: {label}"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##,
        px = size * 8,
        label = wsis::share::xml_escape(text),
    ))
}

/// The QR code as a grey-scale PNG, `scale` pixels per module.
pub fn qr_png(text: &str, scale: usize) -> Result<Vec<u8>, AppError> {
    let (w, dark) = qr_modules(text)?;
    let px = (w + 2 * QUIET) * scale;
    let mut pixels = vec![255u8; px * px];
    for (i, d) in dark.iter().enumerate() {
        if !*d {
            continue;
        }
        let (x0, y0) = ((i % w + QUIET) * scale, (i / w + QUIET) * scale);
        for y in y0..y0 + scale {
            pixels[y * px + x0..y * px + x0 + scale].fill(0);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, px as u32, px as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let fail = |_| AppError::Internal;
        let mut writer = enc.write_header().map_err(fail)?;
        writer.write_image_data(&pixels).map_err(fail)?;
    }
    Ok(out)
}

/// The bundled fonts of the cards: DejaVu Sans (Latin, Greek, Cyrillic, Arabic).
static SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The fonts the cards are drawn with: the bundled ones, then the machine's own (a CJK
/// font installed on the server gives the Chinese cards their script).
fn fonts() -> &'static std::sync::Arc<resvg::usvg::fontdb::Database> {
    static DB: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(SANS.to_vec());
        db.load_font_data(SANS_BOLD.to_vec());
        db.load_system_fonts();
        db.set_sans_serif_family("DejaVu Sans");
        std::sync::Arc::new(db)
    })
}

/// Whether the card's fonts draw every letter of `text`.
fn drawable(text: &str) -> bool {
    let bundled = ttf_parser::Face::parse(SANS, 0).ok();
    let db = fonts();
    text.chars().filter(|c| !c.is_whitespace()).all(|c| {
        bundled.as_ref().is_some_and(|f| f.glyph_index(c).is_some())
            || db.faces().any(|face| {
                db.with_face_data(face.id, |data, i| ttf_parser::Face::parse(data, i).ok().and_then(|f| f.glyph_index(c)).is_some()).unwrap_or(false)
            })
    })
}

/// The UI's own text for `key` in `lang` (`app/locales`), `{{ var }}` filled from `vars`.
fn ui_text(lang: &str, key: &str, vars: &[(&str, &str)]) -> Option<String> {
    static LOCALES: std::sync::OnceLock<HashMap<&'static str, HashMap<String, String>>> = std::sync::OnceLock::new();
    let all = LOCALES.get_or_init(|| {
        [
            ("ar", include_str!("../../app/locales/ar.json")),
            ("en", include_str!("../../app/locales/en.json")),
            ("es", include_str!("../../app/locales/es.json")),
            ("fr", include_str!("../../app/locales/fr.json")),
            ("ru", include_str!("../../app/locales/ru.json")),
            ("zh", include_str!("../../app/locales/zh.json")),
        ]
        .into_iter()
        .map(|(l, json)| {
            let map: HashMap<String, serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
            (l, map.into_iter().filter_map(|(k, v)| v.as_str().map(|t| (k, t.to_string()))).collect())
        })
        .collect()
    });
    let mut text = all.get(lang)?.get(key)?.clone();
    for (name, value) in vars {
        text = text.replace(&format!("{{{{ {name} }}}}"), value);
    }
    Some(text)
}

/// A nominee's share card in `lang`: its category and "Vote until …" in that language when
/// the card's fonts can draw it, in English otherwise.
pub fn nominee_card(nominee: &wsis::nomination::NomineeDetail, edition: &wsis::edition::EditionView, lang: &str) -> wsis::share::Card {
    let closes = edition.schedule.window(wsis::phase::PhaseKind::Voting).closes;
    let in_lang = |l: &str| {
        let category_key = format!("cat_{}", nominee.category_slug.replace('-', "_"));
        let category = ui_text(l, &category_key, &[]).unwrap_or_else(|| nominee.category_name.clone());
        let date = wsis::format::geneva(closes, l);
        let call = ui_text(l, "vote_until", &[("date", &date)]).unwrap_or_else(|| format!("Vote until {date}"));
        (format!("{}: {category}", nominee.category_code), call)
    };
    let (kicker, call) = match in_lang(lang) {
        (k, c) if drawable(&k) && drawable(&c) => (k, c),
        _ => in_lang("en"),
    };
    wsis::share::Card {
        edition: edition.title.clone(),
        kicker,
        title: nominee.title.clone(),
        byline: format!("{} · {}", nominee.organisation, nominee.country),
        call,
    }
}

/// The card as PNG.
pub fn card_png(card: &wsis::share::Card) -> Result<Vec<u8>, AppError> {
    let svg = wsis::share::card_svg(card);
    let mut opt = resvg::usvg::Options::default();
    opt.fontdb = fonts().clone();
    let tree = resvg::usvg::Tree::from_str(&svg, &opt).map_err(|e| {
        tracing::error!("share card: {e}");
        AppError::Internal
    })?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(wsis::share::CARD_WIDTH, wsis::share::CARD_HEIGHT).ok_or(AppError::Internal)?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|_| AppError::Internal)
}

/// Cards drawn at once on a node (each takes a core for some tens of milliseconds).
static DRAWING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The card's PNG from the node's card folder (`{DATA_DIR}/cards`, named by a hash of what
/// the card says, so a changed title or deadline draws a new one), drawn on a miss. At most
/// one file per nominee and language and content: made-up ids never reach here.
async fn cached_card(s: &Services, card: wsis::share::Card) -> Result<Vec<u8>, AppError> {
    use sha2::{Digest, Sha256};
    let key = hex::encode(&Sha256::digest(wsis::share::card_svg(&card).as_bytes())[..16]);
    let dir = s.config.data_dir.join("cards");
    let path = dir.join(format!("{key}.png"));
    if let Ok(png) = tokio::fs::read(&path).await {
        metrics::counter!("cache_total", "cache" => "share_card", "outcome" => "hit").increment(1);
        return Ok(png);
    }
    let _turn = DRAWING.acquire().await.map_err(|_| AppError::Internal)?;
    // another request may have drawn it while this one waited
    if let Ok(png) = tokio::fs::read(&path).await {
        return Ok(png);
    }
    metrics::counter!("cache_total", "cache" => "share_card", "outcome" => "miss").increment(1);
    let png = tokio::task::spawn_blocking(move || card_png(&card)).await.map_err(|_| AppError::Internal)??;
    let tmp = dir.join(format!("{key}.{}.tmp", uuid::Uuid::new_v4().simple()));
    if tokio::fs::create_dir_all(&dir).await.is_ok() && tokio::fs::write(&tmp, &png).await.is_ok() {
        let _ = tokio::fs::rename(&tmp, &path).await;
    }
    Ok(png)
}

#[derive(Clone, Copy)]
enum Kit {
    QrSvg,
    QrPng,
    Badge,
    Card,
}

async fn kit(s: Services, id: String, lang: &str, kit: Kit) -> Result<Response, AppError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::no_nominee())?;
    let page = s.nominee_page(id).await?;
    let (nominee, _, edition) = &*page;
    let url = nominee_url(&s.config.public_url, nominee.id);
    let (body, kind): (Vec<u8>, &str) = match kit {
        Kit::QrSvg => (qr_svg(&url)?.into_bytes(), "image/svg+xml"),
        Kit::QrPng => (qr_png(&url, 10)?, "image/png"),
        Kit::Badge => {
            let call = wsis::messages::translate("Vote for us", lang);
            (badge_svg(&call, &edition.title, &nominee.title).into_bytes(), "image/svg+xml")
        }
        Kit::Card => (cached_card(&s, nominee_card(nominee, edition, lang)).await?, "image/png"),
    };
    let mut res = Response::new(axum::body::Body::from(body));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // other sites embed these; five minutes of caching spares the node the repeats
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// `/nominees/{id}/qr.svg`, `/nominees/{id}/qr.png`, `/nominees/{id}/badge.svg`,
/// `/nominees/{id}/card.png` (`?lang=`).
pub fn routes<S: Clone + Send + Sync + 'static>(services: Services) -> Router<S> {
    let mut r = Router::new();
    for (path, k) in [("/nominees/{id}/qr.svg", Kit::QrSvg), ("/nominees/{id}/qr.png", Kit::QrPng), ("/nominees/{id}/badge.svg", Kit::Badge), ("/nominees/{id}/card.png", Kit::Card)] {
        r = r.route(
            path,
            get(move |State(s): State<Services>, Path(id): Path<String>, Query(q): Query<HashMap<String, String>>, ctx: Option<Extension<RequestContext>>| async move {
                let lang = q
                    .get("lang")
                    .and_then(|l| wsis::language(l))
                    .or(ctx.map(|c| c.0.lang))
                    .unwrap_or("en");
                kit(s, id, lang, k).await.unwrap_or_else(crate::export::refusal)
            }),
        );
    }
    r.with_state(services)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_has_its_quiet_zone_and_finder_patterns() {
        let (w, dark) = qr_modules("https://wsis.example/nominees/7d3c0d2e-9a43-4a8c-b0a5-2b9a0f1c1d11").unwrap();
        assert!(w >= 21 && (w - 17) % 4 == 0, "a QR version's width: {w}");
        // the top-left finder pattern: a dark 7×7 ring
        assert!((0..7).all(|i| dark[i] && dark[6 * w + i] && dark[i * w] && dark[i * w + 6]));
        let png = qr_png("https://wsis.example/x", 4).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg = qr_svg("https://wsis.example/x?a=<b>").unwrap();
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
    }
}
