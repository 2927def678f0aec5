#include "scanner/detail/locate.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace scanner::detail {

namespace {

constexpr int k_work_side = 1024;  // localisation runs on the image scaled to this longer side
constexpr int k_cell = 4;          // working pixels per cell of the structure-tensor grid

// Buffers reused between calls: fresh multi-megabyte allocations cost more in page faults than
// the arithmetic. One set per thread.
struct Buffers {
  cv::Mat small, gx, gy, jxx, jyy, jxy, cxx, cyy, cxy;
};

}  // namespace

std::vector<Candidate> locate_candidates(const cv::Mat& grey, int max_each) {
  thread_local Buffers b;
  double scale = std::min(1.0, static_cast<double>(k_work_side) / std::max(grey.cols, grey.rows));
  const cv::Mat* work = &grey;
  if (scale < 1.0) {
    // Halve with pyrDown (filtered, fast) while more than halving remains, then finish with a
    // bilinear step of at most 2×: INTER_AREA at an odd ratio costs 4 ms on a 1.5 MP photo.
    cv::Mat source = grey;
    double left = scale;
    while (left <= 0.5) {
      cv::pyrDown(source, b.small);
      source = b.small.clone();
      left *= 2;
    }
    cv::resize(source, b.small, cv::Size(), left, left, cv::INTER_LINEAR);
    scale = static_cast<double>(b.small.cols) / grey.cols;
    work = &b.small;
  }
  if (work->cols < 4 * k_cell || work->rows < 4 * k_cell) return {};

  // Structure tensor averaged over cells: bars give strong gradients all in one direction (high
  // coherence); matrix codes give strong gradients in two directions (low coherence). Coherence
  // does not depend on contrast, so faint labels are found as well as crisp ones.
  cv::Sobel(*work, b.gx, CV_16S, 1, 0, 3);
  cv::Sobel(*work, b.gy, CV_16S, 0, 1, 3);
  cv::multiply(b.gx, b.gx, b.jxx, 1, CV_32F);
  cv::multiply(b.gy, b.gy, b.jyy, 1, CV_32F);
  cv::multiply(b.gx, b.gy, b.jxy, 1, CV_32F);
  // Two pyrDown steps average each tensor component over cells of about 4 × 4 working pixels.
  cv::Mat half;
  for (auto [full, cell] : {std::pair{&b.jxx, &b.cxx}, {&b.jyy, &b.cyy}, {&b.jxy, &b.cxy}}) {
    cv::pyrDown(*full, half);
    cv::pyrDown(half, *cell);
  }
  const cv::Size grid = b.cxx.size();
  const double cell_x = static_cast<double>(work->cols) / grid.width;
  const double cell_y = static_cast<double>(work->rows) / grid.height;
  cv::Mat sxx, syy, sxy;  // tensor over 3×3 cells (about 12 working pixels)
  cv::boxFilter(b.cxx, sxx, -1, cv::Size(3, 3));
  cv::boxFilter(b.cyy, syy, -1, cv::Size(3, 3));
  cv::boxFilter(b.cxy, sxy, -1, cv::Size(3, 3));
  cv::Mat energy = sxx + syy;
  cv::Mat diff = sxx - syy;
  cv::Mat coherence;
  cv::sqrt(diff.mul(diff) + 4 * sxy.mul(sxy), coherence);
  coherence = coherence / (energy + 1e-3f);

  // Energy threshold relative to the strongest edges in the picture, with a floor so flat noise
  // never counts (Sobel 3×3 turns a step of d grey levels into 4d).
  double max_energy = 0;
  cv::minMaxLoc(energy, nullptr, &max_energy);
  double threshold = std::max(0.06 * max_energy, 400.0);
  cv::Mat strong = energy > threshold;
  cv::Mat linear_mask = strong & (coherence > 0.72f);
  cv::Mat matrix_mask = strong & (coherence < 0.55f);

  // In cells: a 21-module QR code at one working pixel per module is about 5 × 5 cells.
  const double min_area = 25;
  const double to_image = (cell_x + cell_y) / 2 / scale;
  std::vector<Candidate> out;
  auto collect = [&](const cv::Mat& mask, bool linear) {
    // Opening first drops thin coherent lines (envelope and label borders, ruled lines) that
    // would otherwise join a barcode into one shapeless region; closing then fills gaps.
    cv::Mat closed;
    auto square = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
    cv::morphologyEx(mask, closed, cv::MORPH_OPEN, square);
    cv::morphologyEx(closed, closed, cv::MORPH_CLOSE, square);
    // Connected regions of cells, not contours: a border frame would enclose (and hide) the
    // codes inside it, while as a region of its own it fails the fill test below.
    cv::Mat labels;
    int count = cv::connectedComponents(closed, labels, 8, CV_32S);
    std::vector<std::vector<cv::Point>> regions(static_cast<std::size_t>(std::max(count, 1)));
    for (int y = 0; y < labels.rows; ++y) {
      const int* row = labels.ptr<int>(y);
      for (int x = 0; x < labels.cols; ++x) {
        if (row[x] > 0) regions[static_cast<std::size_t>(row[x])].emplace_back(x, y);
      }
    }
    std::vector<Candidate> found;
    for (const auto& region : regions) {
      double area = static_cast<double>(region.size());
      if (area < min_area) continue;
      cv::RotatedRect box = cv::minAreaRect(region);
      // Cells are sampled at their centres: the box spans one more cell than its corner points.
      box.size.width += 1;
      box.size.height += 1;
      double box_area = static_cast<double>(box.size.width) * box.size.height;
      double fill = area / box_area;
      double short_side = std::min(box.size.width, box.size.height);
      double long_side = std::max(box.size.width, box.size.height);
      if (fill < 0.4 || short_side < 3) continue;
      Candidate c;
      c.linear = linear;
      if (linear) {
        double mxx = 0, myy = 0, mxy = 0;
        for (const auto& p : region) {
          mxx += b.cxx.at<float>(p);
          myy += b.cyy.at<float>(p);
          mxy += b.cxy.at<float>(p);
        }
        c.bar_normal_rad = 0.5 * std::atan2(2 * mxy, mxx - myy);
        double coh = std::sqrt((mxx - myy) * (mxx - myy) + 4 * mxy * mxy) / (mxx + myy + 1e-6);
        if (coh < 0.6) continue;  // mixed directions: text, not bars
        // Bars repeat along their normal, so the region must extend along it. A long thin region
        // whose gradient points across its length is an edge or a ruled line, not a barcode.
        double box_rad = box.angle * CV_PI / 180.0;
        double dx = std::cos(c.bar_normal_rad - box_rad), dy = std::sin(c.bar_normal_rad - box_rad);
        double along = std::abs(box.size.width * dx) + std::abs(box.size.height * dy);
        double across = std::abs(box.size.width * dy) + std::abs(box.size.height * dx);
        if (along < 0.5 * across || across < 0.06 * along || along < 6) continue;
        c.score = area * coh;
      } else {
        // Text lines are long and thin; rectangular DataMatrix symbols are at most 1:4.
        if (short_side / long_side < 0.2) continue;
        c.score = area * fill;
      }
      c.box = cv::RotatedRect(cv::Point2f(static_cast<float>(box.center.x * to_image),
                                          static_cast<float>(box.center.y * to_image)),
                              cv::Size2f(static_cast<float>(box.size.width * to_image),
                                         static_cast<float>(box.size.height * to_image)),
                              box.angle);
      found.push_back(c);
    }
    std::sort(found.begin(), found.end(),
              [](const Candidate& x, const Candidate& y) { return x.score > y.score; });
    if (static_cast<int>(found.size()) > max_each) found.resize(static_cast<std::size_t>(max_each));
    out.insert(out.end(), found.begin(), found.end());
  };
  collect(linear_mask, true);
  collect(matrix_mask, false);
  return out;
}

}  // namespace scanner::detail
