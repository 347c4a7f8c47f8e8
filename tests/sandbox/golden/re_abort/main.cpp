#include <bits/stdc++.h>
int main() { std::vector<int> v; std::cout << v.at(5); }
