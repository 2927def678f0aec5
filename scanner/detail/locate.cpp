#include "scanner/detail/locate.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace scanner::detail {

namespace {

constexpr int k_work_side = 1024;  // localisation runs on the image scaled to this longer side

}  // namespace

std::vector<Candidate> locate_candidates(const cv::Mat& grey, int max_each) {
  double scale = std::min(1.0, static_cast<double>(k_work_side) / std::max(grey.cols, grey.rows));
  cv::Mat small;
  if (scale < 1.0) {
    cv::resize(grey, small, cv::Size(), scale, scale, cv::INTER_AREA);
  } else {
    small = grey;
  }

  // Structure tensor: bars give strong gradients all in one direction (high coherence); matrix
  // codes give strong gradients in two directions (low coherence). Both are contrast-invariant in
  // coherence, so low-contrast labels are found as well as crisp ones.
  cv::Mat gx, gy;
  cv::Sobel(small, gx, CV_32F, 1, 0, 3);
  cv::Sobel(small, gy, CV_32F, 0, 1, 3);
  cv::Mat jxx = gx.mul(gx), jyy = gy.mul(gy), jxy = gx.mul(gy);
  const cv::Size window(9, 9);
  cv::boxFilter(jxx, jxx, -1, window);
  cv::boxFilter(jyy, jyy, -1, window);
  cv::boxFilter(jxy, jxy, -1, window);
  cv::Mat energy = jxx + jyy;
  cv::Mat diff = jxx - jyy;
  cv::Mat coherence;
  cv::sqrt(diff.mul(diff) + 4 * jxy.mul(jxy), coherence);
  coherence = coherence / (energy + 1e-3f);

  // Energy threshold relative to the strongest edges in the picture, with a floor so flat noise
  // never counts. Sobel 3x3 multiplies a step of d grey levels by 4: the floor is a step of ~6.
  cv::Mat energy_small;
  cv::resize(energy, energy_small, cv::Size(64, 64), 0, 0, cv::INTER_AREA);
  double max_energy = 0;
  cv::minMaxLoc(energy_small, nullptr, &max_energy);
  double threshold = std::max(0.08 * max_energy, 24.0 * 24.0 * 0.25);

  cv::Mat strong = energy > threshold;
  cv::Mat linear_mask = strong & (coherence > 0.72f);
  cv::Mat matrix_mask = strong & (coherence < 0.55f);

  std::vector<Candidate> out;
  const double min_area = std::max(120.0, 0.0004 * small.total());
  auto collect = [&](cv::Mat mask, bool linear) {
    cv::Mat closed;
    cv::morphologyEx(mask, closed, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9)));
    cv::morphologyEx(closed, closed, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(closed, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<Candidate> found;
    for (const auto& contour : contours) {
      double area = cv::contourArea(contour);
      if (area < min_area) continue;
      cv::RotatedRect box = cv::minAreaRect(contour);
      double box_area = static_cast<double>(box.size.width) * box.size.height;
      if (box_area <= 0) continue;
      double fill = area / box_area;
      double short_side = std::min(box.size.width, box.size.height);
      double long_side = std::max(box.size.width, box.size.height);
      if (fill < 0.45 || short_side < 8) continue;
      Candidate c;
      c.linear = linear;
      if (linear) {
        cv::Rect bounds = cv::boundingRect(contour) & cv::Rect(0, 0, small.cols, small.rows);
        cv::Mat region_mask = cv::Mat::zeros(bounds.size(), CV_8U);
        std::vector<std::vector<cv::Point>> shifted{contour};
        for (auto& p : shifted[0]) p -= bounds.tl();
        cv::drawContours(region_mask, shifted, 0, cv::Scalar(255), cv::FILLED);
        double sxx = cv::mean(jxx(bounds), region_mask)[0];
        double syy = cv::mean(jyy(bounds), region_mask)[0];
        double sxy = cv::mean(jxy(bounds), region_mask)[0];
        c.bar_normal_rad = 0.5 * std::atan2(2 * sxy, sxx - syy);
        double coh = std::sqrt((sxx - syy) * (sxx - syy) + 4 * sxy * sxy) / (sxx + syy + 1e-6);
        if (coh < 0.6) continue;  // mixed directions: text, not bars
        c.score = area * coh;
      } else {
        if (short_side / long_side < 0.45) continue;  // text lines are long and thin
        c.score = area * fill;
      }
      c.box = cv::RotatedRect(box.center / scale, cv::Size2f(box.size.width / scale,
                                                             box.size.height / scale),
                              box.angle);
      found.push_back(c);
    }
    std::sort(found.begin(), found.end(),
              [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    if (static_cast<int>(found.size()) > max_each) found.resize(static_cast<std::size_t>(max_each));
    out.insert(out.end(), found.begin(), found.end());
  };
  collect(linear_mask, true);
  collect(matrix_mask, false);
  return out;
}

}  // namespace scanner::detail
