#include <bits/stdc++.h>
static_assert(__cplusplus >= 202002L, "needs C++20");
int main() {}
