print(1, 4)
