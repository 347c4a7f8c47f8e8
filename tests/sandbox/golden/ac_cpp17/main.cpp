#include <bits/stdc++.h>
static_assert(__cplusplus == 201703L, "compiled as C++17");
int main() { long long a, b; std::cin >> a >> b; std::cout << a + b << "\n"; }
