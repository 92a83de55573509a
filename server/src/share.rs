//! A nominee's share kit as files: the QR code of its page (SVG and PNG, for posters) and
//! the "Vote for us" badge (SVG) that a team puts on its own site. Public like the nominee
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

#[derive(Clone, Copy)]
enum Kit {
    QrSvg,
    QrPng,
    Badge,
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

/// `/nominees/{id}/qr.svg`, `/nominees/{id}/qr.png`, `/nominees/{id}/badge.svg` (`?lang=`).
pub fn routes<S: Clone + Send + Sync + 'static>(services: Services) -> Router<S> {
    let mut r = Router::new();
    for (path, k) in [("/nominees/{id}/qr.svg", Kit::QrSvg), ("/nominees/{id}/qr.png", Kit::QrPng), ("/nominees/{id}/badge.svg", Kit::Badge)] {
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
