#include <array>
#include <openssl/evp.h>
#include <roundtable/util/hash.hpp>
#include <stdexcept>

namespace roundtable::util {

namespace {

std::array<unsigned char, 32> sha256(std::string_view data) {
    std::array<unsigned char, 32> out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != out.size()) {
        throw std::runtime_error("SHA-256 failed");
    }
    return out;
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
