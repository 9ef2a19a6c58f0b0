#include "rtc/ice/media_thread.h"

#include <glib.h>
#include <pthread.h>

#include <atomic>
#include <cassert>
#include <exception>
#include <future>
#include <utility>

#include "observability/log.h"
#include "rtc/ice/socket_poller.h"

namespace callpy::rtc::ice {
namespace {

std::atomic<unsigned> nextThreadNumber{1};

struct Task {
  std::function<void()> fn;
  std::string thread;
};

gboolean runTask(gpointer data) {
  auto* task = static_cast<Task*>(data);
  try {
    task->fn();
  } catch (const std::exception& e) {
    observability::logError("media_task_failed", {{"thread", task->thread}, {"what", e.what()}});
  } catch (...) {
    observability::logError("media_task_failed", {{"thread", task->thread}, {"what", "unknown"}});
  }
  return G_SOURCE_REMOVE;
}

void freeTask(gpointer data) { delete static_cast<Task*>(data); }

struct Timer {
  std::function<bool()> fn;
  std::string thread;
};

gboolean runTimer(gpointer data) {
  auto* timer = static_cast<Timer*>(data);
  try {
    return timer->fn() ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
  } catch (const std::exception& e) {
    observability::logError("media_timer_failed", {{"thread", timer->thread}, {"what", e.what()}});
  } catch (...) {
    observability::logError("media_timer_failed", {{"thread", timer->thread}, {"what", "unknown"}});
  }
  return G_SOURCE_REMOVE;
}

void freeTimer(gpointer data) { delete static_cast<Timer*>(data); }

gboolean quitLoop(gpointer loop) {
  g_main_loop_quit(static_cast<GMainLoop*>(loop));
  return G_SOURCE_REMOVE;
}

}  // namespace

MediaThread::MediaThread() : MediaThread("callpy-media-" + std::to_string(nextThreadNumber++)) {}

MediaThread::MediaThread(std::string name) : name_(std::move(name)) {
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  sockets_ = std::make_unique<SocketPoller>(context_);
  thread_ = std::thread([this] { run(); });
  threadId_ = thread_.get_id();
}

MediaThread::~MediaThread() {
  stop();
  sockets_.reset();
  // Unreferencing the context destroys the sources still attached (their destroy notifies free
  // the pending tasks and timers) unless a libnice agent still holds it.
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
}

void MediaThread::run() {
  // Linux truncates thread names to 15 characters (+ NUL); longer names fail with ERANGE.
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  g_main_context_push_thread_default(context_);
  g_main_loop_run(loop_);
  g_main_context_pop_thread_default(context_);
}

bool MediaThread::post(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  GSource* source = g_idle_source_new();
  // Same priority as libnice's I/O so tasks neither starve packets nor get starved by them; idle
  // sources of equal priority dispatch in the order they were attached.
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(source, runTask, new Task{std::move(task), name_}, freeTask);
  g_source_attach(source, context_);
  g_source_unref(source);
  return true;
}

bool MediaThread::runSync(const std::function<void()>& fn) {
  if (isCurrent()) {
    fn();
    return true;
  }
  std::promise<void> done;
  auto finished = done.get_future();
  const bool queued = post([&fn, &done] {
    try {
      fn();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  if (!queued) return false;
  finished.get();  // stop() runs every task queued before it, so this cannot hang
  return true;
}

MediaThread::TimerId MediaThread::addTimeout(std::chrono::milliseconds interval,
                                             std::function<bool()> fn) {
  assert(isCurrent());
  const auto ms = interval.count() < 0 ? 0 : interval.count();
  GSource* source = g_timeout_source_new(static_cast<guint>(ms));
  g_source_set_callback(source, runTimer, new Timer{std::move(fn), name_}, freeTimer);
  const TimerId id = g_source_attach(source, context_);
  g_source_unref(source);
  return id;
}

void MediaThread::cancel(TimerId id) {
  assert(isCurrent());
  if (id == 0) return;
  if (GSource* source = g_main_context_find_source_by_id(context_, id)) g_source_destroy(source);
}

void MediaThread::stop() {
  assert(!isCurrent());
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      // Quit from an idle queued behind every task posted so far, so none of them is lost.
      GSource* source = g_idle_source_new();
      g_source_set_priority(source, G_PRIORITY_DEFAULT);
      g_source_set_callback(source, quitLoop, loop_, nullptr);
      g_source_attach(source, context_);
      g_source_unref(source);
    }
  }
  std::lock_guard lock(joinMutex_);  // a second concurrent stop() returns only after the join
  if (thread_.joinable()) thread_.join();
}

bool MediaThread::isCurrent() const { return std::this_thread::get_id() == threadId_; }

}  // namespace callpy::rtc::ice
