#include <cstdio>
int main() { std::puts("roundtable " ROUNDTABLE_VERSION); }
