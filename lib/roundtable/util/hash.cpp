#include <array>
#include <nettle/sha2.h>
#include <roundtable/util/hash.hpp>

namespace roundtable::util {

namespace {

std::array<unsigned char, SHA256_DIGEST_SIZE> sha256(std::string_view data) {
    sha256_ctx context;
    sha256_init(&context);
    sha256_update(&context, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
    std::array<unsigned char, SHA256_DIGEST_SIZE> digest{};
    sha256_digest(&context, digest.size(), digest.data());
    return digest;
}

} // namespace

std::string sha256_hex(std::string_view data) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(64);
    for (unsigned char byte : sha256(data)) {
        hex.push_back(k_hex[byte >> 4]);
        hex.push_back(k_hex[byte & 0xf]);
    }
    return hex;
}

std::uint64_t stable_hash64(std::string_view data) {
    auto digest = sha256(data);
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
        value = (value << 8) | digest[static_cast<std::size_t>(i)];
    }
    return value;
}

} // namespace roundtable::util
