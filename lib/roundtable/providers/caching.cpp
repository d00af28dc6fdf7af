#include <chrono>
#include <fmt/format.h>
#include <roundtable/providers/caching.hpp>
#include <roundtable/store/store.hpp>

namespace roundtable::providers {

namespace {

void add_field(std::string& out, std::string_view name, std::string_view value) {
    out += fmt::format("{}={}:", name, value.size());
    out += value;
    out += '\n';
}

} // namespace

void CacheWarning::warn(const std::string& reason) {
    bool expected = false;
    if (m_warned.compare_exchange_strong(expected, true) && m_sink) {
        m_sink(fmt::format("reply cache: {} (continuing without it)", reason));
    }
}

std::string canonical_request(const Request& request) {
    std::string out;
    add_field(out, "system", request.system);
    add_field(out, "user", request.user);
    add_field(out, "schema_name", request.schema_name);
    add_field(out, "json_schema", request.json_schema);
    add_field(out, "max_tokens", fmt::format("{}", request.max_tokens));
    add_field(out, "effort", effort_name(request.effort));
    add_field(out, "temperature",
              request.temperature ? fmt::format("{:.17g}", *request.temperature) : "none");
    return out;
}

CachingProvider::CachingProvider(std::shared_ptr<Provider> inner,
                                 std::shared_ptr<store::Store> store, std::string base_url,
                                 CacheMode mode, std::shared_ptr<CacheWarning> warning,
                                 std::shared_ptr<CacheStats> stats)
    : ProviderDecorator(std::move(inner)), m_store(std::move(store)),
      m_base_url(std::move(base_url)), m_mode(mode), m_warning(std::move(warning)),
      m_stats(std::move(stats)) {}

std::string CachingProvider::key_for(const Request& request) const {
    return store::Store::cache_key(kind(), model(), m_base_url, canonical_request(request));
}

std::optional<Reply> CachingProvider::lookup(const Request& request) {
    if (m_mode != CacheMode::read_write || !m_store) {
        return std::nullopt;
    }
    return lookup(key_for(request));
}

std::optional<Reply> CachingProvider::lookup(const std::string& key) {
    if (m_mode != CacheMode::read_write || !m_store) {
        return std::nullopt;
    }
    auto hit = m_store->get_reply(key);
    if (m_stats) {
        ++(hit ? m_stats->hits : m_stats->misses);
    }
    if (!hit) {
        return std::nullopt;
    }
    Reply reply;
    reply.text = std::move(hit->text);
    reply.model = std::move(hit->model);
    reply.finish_reason = std::move(hit->finish_reason);
    reply.request_id = std::move(hit->request_id);
    reply.usage.input_tokens = hit->input_tokens;
    reply.usage.output_tokens = hit->output_tokens;
    reply.usage.cached_tokens = hit->cached_tokens;
    reply.usage.cache_write_tokens = hit->cache_write_tokens;
    reply.usage.reasoning_tokens = hit->reasoning_tokens;
    reply.usage.billed_ticks = hit->billed_ticks;
    reply.latency = std::chrono::milliseconds(0);
    reply.attempts = 0;
    reply.cached = true;
    return reply;
}

void CachingProvider::remember(const Request& request, const Reply& reply) {
    remember(key_for(request), reply);
}

void CachingProvider::remember(const std::string& key, const Reply& reply) {
    if (m_mode == CacheMode::off || !m_store) {
        return;
    }
    store::CachedReply entry;
    entry.text = reply.text;
    entry.model = reply.model;
    entry.finish_reason = reply.finish_reason;
    entry.request_id = reply.request_id;
    entry.input_tokens = reply.usage.input_tokens;
    entry.output_tokens = reply.usage.output_tokens;
    entry.cached_tokens = reply.usage.cached_tokens;
    entry.cache_write_tokens = reply.usage.cache_write_tokens;
    entry.reasoning_tokens = reply.usage.reasoning_tokens;
    entry.billed_ticks = reply.usage.billed_ticks;
    entry.created_at = m_store->now();
    auto stored = m_store->put_reply(key, entry);
    if (!stored && m_warning) {
        m_warning->warn(stored.error());
    }
}

std::expected<Reply, Failure> CachingProvider::complete(const Request& request) {
    if (m_mode == CacheMode::off || !m_store) {
        return inner().complete(request);
    }
    if (auto hit = lookup(request)) {
        return std::move(*hit);
    }
    auto result = inner().complete(request);
    if (result) {
        remember(request, *result);
    }
    return result;
}

} // namespace roundtable::providers
