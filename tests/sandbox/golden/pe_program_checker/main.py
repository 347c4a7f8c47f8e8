n = int(input())
print("a =", 1, "b =", n - 1)
