// Botyard store library: the platform provides its source. Replace this file to use your own copy.
