#include "rtc/record/time_mapper.h"

namespace callpy::rtc::record {

std::int64_t TimeMapper::map(std::uint32_t ssrc, std::uint32_t ts, std::uint64_t arrivalUs) {
  const std::int64_t sinceEpochUs =
      arrivalUs > epochUs_ ? static_cast<std::int64_t>(arrivalUs - epochUs_) : 0;
  const std::int64_t arrivalPosition = sinceEpochUs * clockRate_ / 1'000'000;
  if (!ssrc_ || *ssrc_ != ssrc) {
    ssrc_ = ssrc;
    lastTs_ = ts;
    extended_ = anchorExtended_ = 0;
    anchorPosition_ = arrivalPosition;
    return arrivalPosition;
  }
  extended_ += static_cast<std::int32_t>(ts - lastTs_);  // wraps and reordering
  lastTs_ = ts;
  std::int64_t position = anchorPosition_ + (extended_ - anchorExtended_);
  const std::int64_t drift = position - arrivalPosition;
  if (drift > 2 * static_cast<std::int64_t>(clockRate_) ||
      drift < -2 * static_cast<std::int64_t>(clockRate_)) {
    anchorExtended_ = extended_;
    anchorPosition_ = arrivalPosition;
    position = arrivalPosition;
  }
  return position;
}

}  // namespace callpy::rtc::record
