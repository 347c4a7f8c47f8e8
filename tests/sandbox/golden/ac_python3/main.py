import platform
assert platform.python_implementation() == "CPython", platform.python_implementation()
a, b = map(int, input().split())
print(a + b)
