#pragma once
// The converter thread's CPU priority (issue 5 §1 record/): a conversion takes seconds of CPU per
// minute of call, on machines (2 cores) that relay live calls at the same time, so it runs only
// on CPU time that nothing else wants.
namespace callpy::rtc::record {

enum class LoweredPriority {
  Idle,  // SCHED_IDLE
  Nice,  // SCHED_IDLE was refused: nice 19 instead
  None,  // both refused; the thread runs as before
};

// Lowers the calling thread's (not the process's) CPU priority. Threads it creates afterwards
// (libvpx's encoder workers) inherit it. Needs no privilege.
LoweredPriority lowerThreadPriority();

// The calling thread's scheduling policy (SCHED_OTHER, SCHED_IDLE, ...) and nice value.
struct ThreadPriority {
  int policy = -1;
  int nice = 0;
};
ThreadPriority currentThreadPriority();

}  // namespace callpy::rtc::record
