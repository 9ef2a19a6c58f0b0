#pragma once
// A part of the running daemon with a start/stop lifecycle. App starts components in order and
// stops them in reverse, so e.g. listeners stop before the storage writer is flushed.
#include <string>

namespace callpy::app {

class Component {
 public:
  virtual ~Component() = default;
  virtual const char* name() const = 0;
  virtual void start() = 0;
  virtual void stop() = 0;
};

}  // namespace callpy::app
