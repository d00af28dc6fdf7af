// The reply cache as a Provider decorator (DESIGN §8): CachingProvider wraps a
// seat's provider and a store::Store, answers a request it has seen before
// from the store without a call, and stores every successful reply it makes.
//
// The cache key is store::Store::cache_key(kind, model, base_url, canonical
// request): the request body a provider sends is a pure function of the
// request's system and user text, schema name, JSON schema, max_tokens and
// temperature, so those fields (length-prefixed) stand for it. Failures are
// never stored. A cache problem never fails a call: it is reported once per
// CacheWarning object and the call goes on uncached.
//
// Thread-safe: complete() may run on many threads at once (the Store and the
// inner provider are both thread-safe; the warning is a once-flag).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <roundtable/providers/provider.hpp>
#include <string>

namespace roundtable::store {
class Store;
}

namespace roundtable::providers {

// How a run uses the reply cache: read and write (default), write only
// (--refresh: every call is made, its reply replaces the cached one), or not at
// all (--no-cache).
enum class CacheMode { read_write, refresh, off };

// Reports the first cache problem of a run through `sink` and ignores the rest.
class CacheWarning {
public:
    // Makes a warning that hands its single message to `sink`; never fails.
    explicit CacheWarning(std::function<void(const std::string&)> sink) : m_sink(std::move(sink)) {}

    // Passes "reply cache: <reason> (continuing without it)" to the sink the first time; never
    // fails.
    void warn(const std::string& reason);

    // Returns whether a warning was given; never fails.
    bool warned() const noexcept { return m_warned.load(); }

private:
    std::function<void(const std::string&)> m_sink;
    std::atomic<bool> m_warned{false};
};

// Returns the canonical text standing for the request body a provider would
// send for `request` (the fields above, length-prefixed); never fails.
std::string canonical_request(const Request& request);

// Counts one run's cache lookups (a read of the store before a call): those
// answered from it and those that missed. Thread-safe.
struct CacheStats {
    std::atomic<std::int64_t> hits{0};
    std::atomic<std::int64_t> misses{0};
};

class CachingProvider : public ProviderDecorator {
public:
    // Wraps `inner` (its replies are cached under `base_url`, the seat's
    // effective endpoint) with `store` in `mode`; `warning` and `stats` may be null.
    CachingProvider(std::shared_ptr<Provider> inner, std::shared_ptr<store::Store> store,
                    std::string base_url, CacheMode mode, std::shared_ptr<CacheWarning> warning,
                    std::shared_ptr<CacheStats> stats = nullptr);

    // Returns the cached reply (cached = true, latency 0) when there is one and the
    // mode reads; otherwise calls the inner provider, stores a successful reply
    // (unless the mode is off) and returns the inner provider's result unchanged.
    std::expected<Reply, Failure> complete(const Request& request) override;

    // Returns the store key of `request` for this provider; never fails.
    std::string key_for(const Request& request) const;

    // Returns the cached reply to `request` (cached = true) when the mode reads and there is
    // one, counting the lookup as a hit or a miss; nullopt otherwise. Never fails.
    std::optional<Reply> lookup(const Request& request);

    // Returns the cached reply under the store key `key` (key_for() of its request), as
    // lookup(request) does without hashing the request again; never fails.
    std::optional<Reply> lookup(const std::string& key);

    // Stores `reply` to `request` (a reply that came another way, such as a batch job) unless
    // the mode is off; a store problem is reported through the warning. Never fails.
    void remember(const Request& request, const Reply& reply);

    // Stores `reply` under the store key `key` (key_for() of its request) unless the mode is
    // off; a store problem is reported through the warning. Never fails.
    void remember(const std::string& key, const Reply& reply);

    // Returns how this provider uses the cache; never fails.
    CacheMode mode() const { return m_mode; }

private:
    std::shared_ptr<store::Store> m_store;
    std::string m_base_url;
    CacheMode m_mode;
    std::shared_ptr<CacheWarning> m_warning;
    std::shared_ptr<CacheStats> m_stats;
};

} // namespace roundtable::providers
