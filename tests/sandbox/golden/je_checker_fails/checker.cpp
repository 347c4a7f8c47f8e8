#include <cstdio>
int main() { std::fprintf(stderr, "jury answer is malformed\n"); return 3; }
