global using Shouldly;
global using Xunit;
global using Xunit.Abstractions;
