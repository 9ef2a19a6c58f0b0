#pragma once
// Template bodies of Database (included at the end of database.h).
#include <exception>
#include <future>
#include <optional>
#include <type_traits>
#include <utility>

namespace callpy::storage::detail {

// Holds the job's result between run() (inside the transaction) and complete() (after COMMIT),
// because the promise must not be fulfilled before the data is durable.
template <typename R, typename F>
class PromiseJob final : public WriteJob {
 public:
  explicit PromiseJob(F fn) : fn_(std::move(fn)) {}
  std::future<R> future() { return promise_.get_future(); }

  void run(Connection& c) override {
    if constexpr (std::is_void_v<R>) {
      fn_(c);
    } else {
      value_.emplace(fn_(c));
    }
  }

  void complete(std::exception_ptr error) noexcept override {
    try {
      if (error) {
        promise_.set_exception(std::move(error));
      } else if constexpr (std::is_void_v<R>) {
        promise_.set_value();
      } else {
        promise_.set_value(std::move(*value_));
      }
    } catch (...) {
      // set_value can only fail on a broken promise state; the waiter sees broken_promise.
    }
  }

 private:
  struct Nothing {};
  F fn_;
  std::promise<R> promise_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<R>, Nothing, std::optional<R>> value_;
};

}  // namespace callpy::storage::detail

namespace callpy::storage {

template <typename R>
std::future<R> Database::write(std::function<R(Connection&)> job) {
  auto owned =
      std::make_unique<detail::PromiseJob<R, std::function<R(Connection&)>>>(std::move(job));
  auto future = owned->future();
  submit(std::move(owned));
  return future;
}

template <typename F>
requires std::is_invocable_v<F&, Connection&>
auto Database::write(F&& job) -> std::future<std::invoke_result_t<F&, Connection&>> {
  using R = std::invoke_result_t<F&, Connection&>;
  auto owned = std::make_unique<detail::PromiseJob<R, std::decay_t<F>>>(std::forward<F>(job));
  auto future = owned->future();
  submit(std::move(owned));
  return future;
}

template <typename F>
auto Database::writeSync(F&& job) -> decltype(job(std::declval<Connection&>())) {
  return write(std::forward<F>(job)).get();
}

template <typename F>
auto Database::read(F&& job) -> decltype(job(std::declval<Connection&>())) {
  struct Lease {
    Database* db;
    Connection* c;
    ~Lease() { db->releaseReader(*c); }
  } lease{this, &acquireReader()};
  return job(*lease.c);
}

}  // namespace callpy::storage
