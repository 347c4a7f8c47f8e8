import platform
assert platform.python_implementation() == "PyPy", platform.python_implementation()
a, b = map(int, input().split())
print(a + b)
