#include <bits/stdc++.h>
int main() { volatile int* p = nullptr; *p = 1; std::cout << *p; }
