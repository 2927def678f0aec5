#include "scanner/detail/pipeline.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "scanner/detail/locate.hpp"

namespace scanner::detail {

namespace {

ZXing::BarcodeFormat to_zxing(Format f) {
  switch (f) {
    case Format::code128:
      return ZXing::BarcodeFormat::Code128;
    case Format::qr_code:
      return ZXing::BarcodeFormat::QRCode;
    case Format::data_matrix:
      return ZXing::BarcodeFormat::DataMatrix;
    case Format::code39:
      return ZXing::BarcodeFormat::Code39;
    case Format::ean13:
      return ZXing::BarcodeFormat::EAN13;
    case Format::upca:
      return ZXing::BarcodeFormat::UPCA;
    case Format::pdf417:
      return ZXing::BarcodeFormat::PDF417;
    case Format::aztec:
      return ZXing::BarcodeFormat::Aztec;
  }
  return ZXing::BarcodeFormat::None;
}

std::optional<Format> from_zxing(ZXing::BarcodeFormat f) {
  for (Format ours : k_all_formats) {
    if (to_zxing(ours) == f) return ours;
  }
  return std::nullopt;
}

ZXing::BarcodeFormats to_zxing(FormatSet set) {
  ZXing::BarcodeFormats out;
  for (Format f : k_all_formats) {
    if (set.contains(f)) out |= to_zxing(f);
  }
  return out;
}

// Maps points of a crop back to the full image: p_image = inverse(affine) * p_crop.
struct CropTransform {
  cv::Matx23d crop_to_image = cv::Matx23d(1, 0, 0, 0, 1, 0);
  Point map(int x, int y) const {
    const auto& m = crop_to_image;
    return Point{static_cast<int>(std::lround(m(0, 0) * x + m(0, 1) * y + m(0, 2))),
                 static_cast<int>(std::lround(m(1, 0) * x + m(1, 1) * y + m(1, 2)))};
  }
};

struct Reader {
  const PipelineOptions& options;
  PipelineStats& stats;

  struct Tuning {
    // How the formats are spread over ZXing calls: one ReadBarcode per format (the baseline),
    // one per kind (all linear formats in one call, all matrix formats in another), or one
    // ReadBarcodes for all formats returning every symbol (for crops holding one candidate).
    enum class Calls { per_format, per_kind, all_at_once };
    Calls calls = Calls::per_kind;
    bool try_harder = true;
    bool try_rotate = true;
    bool try_downscale = true;
    ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage;
    int min_line_count = 2;  // linear codes: scan lines that must agree (ZXing's default is 2)
  };

  // One ZXing pass over `image` for `formats`; symbols mapped to full-image coordinates.
  std::vector<Symbol> read(const cv::Mat& image, FormatSet formats, const CropTransform& transform,
                           const Tuning& tuning) {
    std::vector<Symbol> out;
    if (formats.empty()) return out;
    cv::Mat contiguous = image.isContinuous() ? image : image.clone();
    ZXing::ImageView view(contiguous.data, contiguous.cols, contiguous.rows,
                          ZXing::ImageFormat::Lum, static_cast<int>(contiguous.step));
    auto hints = ZXing::DecodeHints()
                     .setTryHarder(tuning.try_harder)
                     .setTryRotate(tuning.try_rotate)
                     .setTryDownscale(tuning.try_downscale)
                     .setBinarizer(tuning.binarizer)
                     .setMinLineCount(static_cast<std::uint8_t>(tuning.min_line_count));
    auto take = [&](const ZXing::Result& r) {
      if (!r.isValid()) return;
      auto format = from_zxing(r.format());
      if (!format || !formats.contains(*format)) return;
      Symbol s;
      s.format = *format;
      s.text = r.text();
      s.bytes.assign(r.bytes().begin(), r.bytes().end());
      const auto& pos = r.position();
      for (int i = 0; i < 4; ++i)
        s.corners[static_cast<std::size_t>(i)] = transform.map(pos[i].x, pos[i].y);
      out.push_back(std::move(s));
    };
    if (tuning.calls == Tuning::Calls::all_at_once) {
      ++stats.zxing_calls;
      hints.setFormats(to_zxing(formats));
      for (const auto& r : ZXing::ReadBarcodes(view, hints)) take(r);
      return out;
    }
    // One symbol per call: Debian's ZXing 1.4 asserts in ReadBarcodes() when it compares
    // repeated linear symbols, which a call that stops at its first symbol never does.
    hints.setMaxNumberOfSymbols(1);
    std::vector<FormatSet> groups;
    if (tuning.calls == Tuning::Calls::per_kind) {
      groups = {formats & k_linear_formats, formats & k_matrix_formats};
    } else {
      for (Format f : k_all_formats) groups.push_back(formats & FormatSet{f});
    }
    for (FormatSet group : groups) {
      if (group.empty()) continue;
      ++stats.zxing_calls;
      take(ZXing::ReadBarcode(view, ZXing::DecodeHints(hints).setFormats(to_zxing(group))));
    }
    return out;
  }
};

cv::Point2d centre(const Symbol& s) {
  cv::Point2d c(0, 0);
  for (const auto& p : s.corners) c += cv::Point2d(p.x, p.y);
  return c * 0.25;
}

std::vector<cv::Point2f> polygon(const Symbol& s) {
  std::vector<cv::Point2f> poly;
  for (const auto& p : s.corners)
    poly.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
  return poly;
}

double extent(const Symbol& s) {
  cv::Rect r = cv::boundingRect(polygon(s));
  return std::max({r.width, r.height, 1});
}

// Adds `found` to `symbols` unless the same code at the same place is already there. The same
// text far away is a second physical label and is kept.
void merge(std::vector<Symbol>& symbols, std::vector<Symbol> found) {
  for (auto& s : found) {
    bool duplicate = std::any_of(symbols.begin(), symbols.end(), [&](const Symbol& t) {
      if (t.format != s.format || t.text != s.text) return false;
      return cv::norm(centre(t) - centre(s)) < 0.75 * std::max(extent(t), extent(s)) + 10;
    });
    if (!duplicate) symbols.push_back(std::move(s));
  }
}

// A candidate is explained when a symbol already read lies on it.
bool explained(const Candidate& c, const std::vector<Symbol>& symbols) {
  cv::Point2f pts[4];
  c.box.points(pts);
  std::vector<cv::Point2f> box(pts, pts + 4);
  for (const auto& s : symbols) {
    if (is_linear(s.format) != c.linear) continue;
    auto poly = polygon(s);
    cv::Point2d sc = centre(s);
    if (cv::pointPolygonTest(box, cv::Point2f(static_cast<float>(sc.x), static_cast<float>(sc.y)),
                             false) >= 0) {
      return true;
    }
    // A symbol read as a thin line (1D results have a degenerate box) still explains the region
    // around it; expand its box before testing the candidate's centre.
    cv::RotatedRect sr = cv::minAreaRect(poly);
    sr.size.width += 0.5f * extent(s);
    sr.size.height += 0.5f * extent(s);
    cv::Point2f spts[4];
    sr.points(spts);
    std::vector<cv::Point2f> expanded(spts, spts + 4);
    if (cv::pointPolygonTest(expanded, c.box.center, false) >= 0) return true;
  }
  return false;
}

// Cuts the candidate out of the full image, rotated so that linear bars stand vertical, with a
// quiet zone around it, scaled by `zoom`.
cv::Mat straightened_crop(const cv::Mat& grey, const Candidate& c, double zoom,
                          CropTransform& transform) {
  double angle = 0;
  double along = 0, across = 0;  // size along the bar normal, and along the bars
  double w = c.box.size.width, h = c.box.size.height;
  double box_rad = c.box.angle * CV_PI / 180.0;
  if (c.linear) {
    angle = c.bar_normal_rad;
    // Project the box's extent onto the bar normal and the bar direction.
    double dx = std::cos(angle - box_rad), dy = std::sin(angle - box_rad);
    along = std::abs(w * dx) + std::abs(h * dy);
    across = std::abs(w * dy) + std::abs(h * dx);
    along *= 1.4;
    along += 0.12 * along + 20;  // quiet zone for the start and stop patterns
    across = across * 1.2 + 10;
  } else {
    angle = box_rad;
    along = w * 1.5 + 24;
    across = h * 1.5 + 24;
  }
  int out_w = std::max(16, static_cast<int>(std::lround(along * zoom)));
  int out_h = std::max(16, static_cast<int>(std::lround(across * zoom)));
  // image → crop: rotate by -angle about the candidate centre, scale by zoom, centre in the crop.
  double cs = std::cos(angle) * zoom, sn = std::sin(angle) * zoom;
  cv::Matx23d image_to_crop(cs, sn, 0, -sn, cs, 0);
  image_to_crop(0, 2) = out_w / 2.0 - (cs * c.box.center.x + sn * c.box.center.y);
  image_to_crop(1, 2) = out_h / 2.0 - (-sn * c.box.center.x + cs * c.box.center.y);
  cv::Mat crop;
  cv::warpAffine(grey, crop, image_to_crop, cv::Size(out_w, out_h),
                 zoom > 1 ? cv::INTER_CUBIC : cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Matx23d inverse;
  cv::invertAffineTransform(image_to_crop, inverse);
  transform.crop_to_image = inverse;
  return crop;
}

// Local contrast equalisation: evens out a lighting gradient or shadow across a long label.
cv::Mat equalised(const cv::Mat& image) {
  auto clahe = cv::createCLAHE(3.0, cv::Size(8, 8));
  cv::Mat out;
  clahe->apply(image, out);
  return out;
}

// Stretches the crop's grey range: the 1st percentile becomes black, the 99th white. A faded
// label (35-60 grey levels between ink and paper) gets its full contrast back; a crop is small
// enough that lighting across it is about even.
cv::Mat normalised(const cv::Mat& image) {
  int histogram_size = 256;
  float range[] = {0, 256};
  const float* ranges[] = {range};
  cv::Mat histogram;
  cv::calcHist(&image, 1, nullptr, cv::Mat(), histogram, 1, &histogram_size, ranges);
  double total = static_cast<double>(image.total()), seen = 0;
  int low = 0, high = 255;
  for (int v = 0; v < 256; ++v) {
    seen += histogram.at<float>(v);
    if (seen <= 0.01 * total) low = v;
    if (seen < 0.99 * total) high = v + 1;
  }
  cv::Mat out;
  if (high <= low + 8) return image;  // flat: nothing to stretch
  image.convertTo(out, CV_8U, 255.0 / (high - low), -255.0 * low / (high - low));
  return out;
}

cv::Mat sharpened(const cv::Mat& image) {
  cv::Mat blurred, out;
  cv::GaussianBlur(image, blurred, cv::Size(0, 0), 2.0);
  cv::addWeighted(image, 2.0, blurred, -1.0, 0, out);
  return out;
}

// For a straightened linear code (bars vertical): average along the bars, which removes noise
// and print texture without touching the bar edges, stretch to the full grey range, then sharpen
// across the bars against blur of up to about one module. Read with a fixed threshold.
cv::Mat bars_deblurred(const cv::Mat& image) {
  cv::Mat along, stretched, blurred, out;
  cv::blur(image, along, cv::Size(1, 15));
  cv::normalize(along, stretched, 0, 255, cv::NORM_MINMAX);
  cv::GaussianBlur(stretched, blurred, cv::Size(0, 0), 1.5, 0.1);
  cv::addWeighted(stretched, 3.0, blurred, -2.0, 0, out);
  return out;
}

cv::Mat denoised(const cv::Mat& image) {
  cv::Mat out;
  cv::GaussianBlur(image, out, cv::Size(0, 0), 1.0);
  return out;
}

}  // namespace

std::vector<Symbol> decode_image(const cv::Mat& grey, const PipelineOptions& options,
                                 PipelineStats* stats_out) {
  PipelineStats stats;
  Reader reader{options, stats};
  std::vector<Symbol> symbols;

  // Pass 1: the whole image as it is, one call for the linear formats and one for the matrix
  // formats, each stopping at its first symbol. Linear codes are read at 0° and 180° only here:
  // any other angle, and second codes of a kind, are the localisation's job below.
  Reader::Tuning plain;
  plain.try_rotate = false;
  merge(symbols, reader.read(grey, options.formats, CropTransform{}, plain));
  if (options.plain_only) {
    if (stats_out) *stats_out = stats;
    return symbols;
  }

  // What is still missing: barcode-like regions that no symbol explains.
  FormatSet linear = options.formats & k_linear_formats;
  FormatSet matrix = options.formats & k_matrix_formats;
  auto candidates = locate_candidates(grey);
  stats.candidates = static_cast<int>(candidates.size());
  // Each unexplained candidate gets its straightened crop first; only then, in order of how
  // barcode-like they look and within a budget, the candidates still unexplained get the
  // harder variants. Most candidates left after the plain pass are text, which no variant reads.
  struct Attempt {
    int zoom_step;  // 0: the natural zoom, 1: the other zoom
    int variant;    // 0 plain, 1 contrast (bars: equalised, matrix: stretched), 2 sharpened (bars:
                    // deblurred), 3 denoised
  };
  static constexpr Attempt k_attempts[] = {{0, 1}, {0, 2}, {0, 0}, {1, 1}, {0, 3}, {1, 0}};
  int attempts = 0;
  std::vector<bool> done(candidates.size(), false);
  for (std::size_t round = 0; round < std::size(k_attempts); ++round) {
    const Attempt& attempt = k_attempts[round];
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const Candidate& c = candidates[i];
      FormatSet wanted = c.linear ? linear : matrix;
      if (done[i] || wanted.empty()) continue;
      if (explained(c, symbols)) {
        done[i] = true;
        continue;
      }
      if (round == 0) {
        ++stats.unexplained;
      } else if (attempts >= options.max_crop_attempts) {
        break;
      }
      // Small codes are enlarged: a 1.5 px module is too thin for ZXing's binarizer; big ones
      // are shrunk. The other zoom is a later attempt.
      double size = std::max(c.box.size.width, c.box.size.height);
      double natural = size < 320 ? 2.0 : size > 1400 ? 0.5 : 1.0;
      double other = natural == 1.0 ? (size < 640 ? 2.0 : 0.5) : 1.0;
      double zoom = attempt.zoom_step == 0 ? natural : other;
      CropTransform transform;
      cv::Mat crop = straightened_crop(grey, c, zoom, transform);
      bool deblur_bars = c.linear && attempt.variant == 2;
      cv::Mat input = attempt.variant == 0   ? crop
                      : attempt.variant == 1 ? (c.linear ? equalised(crop) : normalised(crop))
                      : deblur_bars          ? bars_deblurred(crop)
                      : attempt.variant == 2 ? sharpened(crop)
                                             : denoised(crop);
      Reader::Tuning tuning;
      if (deblur_bars) {
        // Sharpening can turn a blurred bar pair into a different valid-looking pair: demand
        // agreement from more scan lines before believing what it reads.
        tuning.binarizer = ZXing::Binarizer::FixedThreshold;
        tuning.min_line_count = 4;
      }
      tuning.calls = Reader::Tuning::Calls::all_at_once;  // a crop holds one candidate
      tuning.try_downscale = false;
      tuning.try_rotate = !c.linear;
      tuning.try_harder = round > 0;  // the first look at every candidate is a quick one
      ++attempts;
      auto got = reader.read(input, wanted, transform, tuning);
      if (!got.empty()) {
        merge(symbols, std::move(got));
        done[i] = true;
      }
    }
  }

  if (stats_out) *stats_out = stats;
  return symbols;
}

std::vector<Symbol> decode_baseline(const cv::Mat& grey, FormatSet formats) {
  PipelineOptions options;
  options.plain_only = true;
  PipelineStats stats;
  Reader reader{options, stats};
  Reader::Tuning tuning;
  tuning.calls = Reader::Tuning::Calls::per_format;
  return reader.read(grey, formats, CropTransform{}, tuning);
}

}  // namespace scanner::detail
