#include "rtc/record/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

namespace callpy::rtc::record {

// SCHED_IDLE rather than nice 19:
// - A nice-19 thread still has weight 15 against 1024 for each busy nice-0 thread, and a media
//   thread waking for a packet does not always preempt it at once (the fair scheduler weighs its
//   lag first). Any SCHED_OTHER thread that wakes preempts a SCHED_IDLE one immediately, so a
//   conversion can take a core only when no call needs it. The cost: on a machine busy all the
//   time a conversion waits; the raw files are already synced to disk, so nothing is lost.
// - I/O schedulers that honour priorities put a SCHED_IDLE thread without an I/O priority of its
//   own in the idle I/O class too, so its file writes yield to the database's.
// - Unprivileged threads may switch to SCHED_IDLE (sched(7)); systemd's RestrictRealtime=yes
//   refuses only the realtime policies, and sched_setscheduler/setpriority are in
//   @system-service (@resources) and not in @privileged, which the unit filters.
// Both calls take 0 / gettid(), which on Linux mean this thread alone, not the whole process.
LoweredPriority lowerThreadPriority() {
  sched_param param{};
  param.sched_priority = 0;
  if (::sched_setscheduler(0, SCHED_IDLE, &param) == 0) return LoweredPriority::Idle;
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19) == 0) {
    return LoweredPriority::Nice;
  }
  return LoweredPriority::None;
}

ThreadPriority currentThreadPriority() {
  ThreadPriority p;
  p.policy = ::sched_getscheduler(0);
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  p.nice = errno == 0 ? nice : 0;
  return p;
}

}  // namespace callpy::rtc::record
