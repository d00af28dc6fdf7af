#include <charconv>
#include <fmt/format.h>
#include <roundtable/batch/shard.hpp>
#include <roundtable/util/hash.hpp>

namespace roundtable::batch {

namespace {

bool parse_number(std::string_view s, std::uint64_t& value) {
    if (s.empty() || s.size() > 9) {
        return false;
    }
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

} // namespace

std::expected<Shard, std::string> parse_shard(std::string_view text) {
    auto bad = [&] {
        return std::unexpected(
            fmt::format("--shard: expected K/N with 1 <= K <= N (got '{}')", text));
    };
    auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return bad();
    }
    Shard shard;
    if (!parse_number(text.substr(0, slash), shard.index) ||
        !parse_number(text.substr(slash + 1), shard.count)) {
        return bad();
    }
    if (shard.index < 1 || shard.count < 1 || shard.index > shard.count) {
        return bad();
    }
    return shard;
}

bool in_shard(std::string_view id, const Shard& shard) {
    return util::stable_hash64(id) % shard.count == shard.index - 1;
}

} // namespace roundtable::batch
