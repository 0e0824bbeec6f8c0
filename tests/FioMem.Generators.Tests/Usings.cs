// Usings shared by every test file.
global using System;
global using System.Linq;
global using Xunit;
