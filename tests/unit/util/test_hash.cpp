#include <catch2/catch.hpp>
#include <roundtable/util/hash.hpp>

using roundtable::util::sha256_hex;
using roundtable::util::stable_hash64;

TEST_CASE("hash::sha256_hex") {
    SECTION("known vectors") {
        CHECK(sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // FIPS 180-4 examples: a two-block message and one million 'a'.
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex(std::string(1000000, 'a')) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    SECTION("binary data with NUL bytes is hashed whole") {
        const std::string with_nul("a\0b", 3);
        CHECK(sha256_hex(with_nul) != sha256_hex("a"));
        CHECK(sha256_hex(with_nul).size() == 64);
    }
}

TEST_CASE("hash::stable_hash64") {
    SECTION("is the first 8 bytes of SHA-256") {
        CHECK(stable_hash64("abc") == 0xba7816bf8f01cfeaULL);
    }
    SECTION("differs for different inputs") {
        CHECK(stable_hash64("abc") != stable_hash64("abd"));
    }
}
