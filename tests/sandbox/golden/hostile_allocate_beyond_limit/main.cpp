#include <bits/stdc++.h>
int main() {
    std::vector<std::vector<char>> blocks;
    for (int i = 0; i < 1024; i++) blocks.emplace_back(16 << 20, char(i));  // up to 16 GB, touched
    std::cout << blocks.size() << "\n";
}
