print("yEs")
