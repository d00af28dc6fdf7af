// Sharding a corpus over machines (--shard K/N): an article belongs to shard K
// of N when the stable 64-bit hash of its id (util::stable_hash64, the same on
// every machine and run) modulo N equals K-1, so shards 1..N partition any list
// of ids exactly. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace roundtable::batch {

struct Shard {
    std::uint64_t index = 1; // K, 1-based
    std::uint64_t count = 1; // N
};

// Parses "K/N" with 1 <= K <= N; returns "--shard: expected K/N with 1 <= K <= N
// (got 'x')" for anything else.
std::expected<Shard, std::string> parse_shard(std::string_view text);

// Returns whether the article `id` belongs to `shard`; never fails.
bool in_shard(std::string_view id, const Shard& shard);

} // namespace roundtable::batch
